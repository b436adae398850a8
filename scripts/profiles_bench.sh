#!/bin/sh
# Issue 10's benchmark: 100,000 members with profiles, 30,000 enterprises; directory and
# roll latencies on SQLite, then (when PG_URL is set, e.g. postgres://postgres@127.0.0.1:5432)
# on a fresh PostgreSQL database. Release build.
set -eu
cargo build --release --example profiles_bench
BIN="${CARGO_TARGET_DIR:-target}/release/examples/profiles_bench"
DIR=$(mktemp -d)
echo "== SQLite"
"$BIN" --db "$DIR/bench.db" "$@"
if [ -n "${PG_URL:-}" ]; then
  NAME="profiles_bench_$$"
  psql "$PG_URL/postgres" -qc "CREATE DATABASE $NAME"
  echo "== PostgreSQL"
  "$BIN" --db "$PG_URL/$NAME" "$@" || true
  psql "$PG_URL/postgres" -qc "DROP DATABASE $NAME WITH (FORCE)"
fi
rm -rf "$DIR"
