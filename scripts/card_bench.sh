#!/bin/sh
# Issue 12's benchmark: 1,000 members with shared cards; the card page and the public
# card API under a share burst (64 clients on one card and on all cards), then the share
# image's first render and cached answer. Release build, SQLite.
set -eu
cargo build --release --example card_bench
BIN="${CARGO_TARGET_DIR:-target}/release/examples/card_bench"
DIR=$(mktemp -d)
"$BIN" --db "$DIR/bench.db" "$@"
rm -rf "$DIR"
