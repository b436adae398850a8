#!/bin/sh
# Issue 19's benchmark: 100,000 members over 10 years, 2,000 events, 1,000,000 scan rows,
# this year's dues orders and 200,000 audit rows (bulk SQL); the workbench home and the
# audit log's first page with 8 concurrent staff on SQLite, then (when PG_URL is set,
# e.g. postgres://postgres@127.0.0.1:5432) on a fresh PostgreSQL database. Release build.
set -eu
cargo build --release --example home_bench
BIN="${CARGO_TARGET_DIR:-target}/release/examples/home_bench"
DIR=$(mktemp -d)
uptime
echo "== SQLite"
"$BIN" --db "$DIR/bench.db" "$@"
if [ -n "${PG_URL:-}" ]; then
  NAME="home_bench_$$"
  psql "$PG_URL/postgres" -qc "CREATE DATABASE $NAME"
  uptime
  echo "== PostgreSQL"
  "$BIN" --db "$PG_URL/$NAME" "$@" || true
  psql "$PG_URL/postgres" -qc "DROP DATABASE $NAME WITH (FORCE)"
fi
rm -rf "$DIR"
