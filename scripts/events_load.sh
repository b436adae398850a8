#!/usr/bin/env bash
# Check-in load test (docs/benchmarks.md): release build, SQLite, loopback.
#   scripts/events_load.sh            # 10,000 users, 64 connections
#   KILL=1 scripts/events_load.sh     # kill -9 the server half-way, restart, verify
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${USERS:-10000}
CONCURRENCY=${CONCURRENCY:-64}
PORT=${PORT:-18600}
WORK=$(mktemp -d /tmp/guildhall-load.XXXXXX)
BASE="http://127.0.0.1:$PORT"
cargo build --release --bin guildhall --example events_load >/dev/null
TARGET=${CARGO_TARGET_DIR:-target}
SERVER=$TARGET/release/guildhall
LOAD=$TARGET/release/examples/events_load
export GUILDHALL_DATA_DIR="$WORK/data" GUILDHALL_BIND="127.0.0.1:$PORT" GUILDHALL_LOG__LEVEL=warn
start_server() {
  "$SERVER" >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; exit 1
}
start_server
"$LOAD" seed --db "$WORK/data/guildhall.db" --users "$USERS" --out "$WORK" --hmac-key-file "$WORK/data/secrets.toml"
"$LOAD" register --base "$BASE" --dir "$WORK"
if [[ "${KILL:-0}" == 1 ]]; then
  "$LOAD" scan --base "$BASE" --dir "$WORK" --concurrency "$CONCURRENCY" &
  LOAD_PID=$!
  # Half-way: wait until half the users have a success answer, then kill -9.
  until [[ -f "$WORK/ok.txt" && $(wc -l <"$WORK/ok.txt") -ge $((USERS / 2)) ]]; do sleep 0.02; done
  kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  echo "killed the server after $(wc -l <"$WORK/ok.txt") success answers"
  start_server
  wait "$LOAD_PID"
else
  "$LOAD" scan --base "$BASE" --dir "$WORK" --concurrency "$CONCURRENCY"
fi
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
"$LOAD" verify --db "$WORK/data/guildhall.db" --dir "$WORK"
echo "work dir: $WORK"
