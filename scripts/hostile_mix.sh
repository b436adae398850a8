#!/usr/bin/env bash
# Hostile mix (issue 8, docs/benchmarks.md): release build, SQLite, loopback only.
# For SECONDS (default 60): six parallel uploaders of 36-megapixel PNGs, large JSON
# bodies, the bad .xlsx files, forty slow clients — while 1,000 check-in scans run at a
# steady pace. Prints the scans' latency, every answer's counts and the server's peak
# RSS (VmHWM), and checks the server still answers.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${SECONDS_TOTAL:-60}
PORT=${PORT:-18800}
WORK=$(mktemp -d /tmp/guildhall-hostile.XXXXXX)
BASE="http://127.0.0.1:$PORT"
cargo build --release --bin guildhall --example events_load --example hostile_mix >/dev/null
TARGET=${CARGO_TARGET_DIR:-target}
SERVER=$TARGET/release/guildhall
export GUILDHALL_DATA_DIR="$WORK/data" GUILDHALL_BIND="127.0.0.1:$PORT" GUILDHALL_LOG__LEVEL=error
echo "staff-password-42" | "$SERVER" create-staff --username hostile --role secretary --password-stdin >/dev/null
"$SERVER" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
"$TARGET/release/examples/events_load" seed --db "$WORK/data/guildhall.db" --users 4000 \
  --out "$WORK" --hmac-key-file "$WORK/data/secrets.toml" >/dev/null
"$TARGET/release/examples/events_load" register --base "$BASE" --dir "$WORK" >/dev/null
echo "idle RSS before the attack: $(awk '/VmRSS/ {print $2, $3}' /proc/$SERVER_PID/status)"
"$TARGET/release/examples/hostile_mix" --base "$BASE" --dir "$WORK" \
  --staff hostile:staff-password-42 --seconds "$SECONDS_TOTAL"
curl -sf "$BASE/healthz" >/dev/null && echo "server still answers /healthz"
echo "peak RSS (VmHWM): $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER_PID/status)"
echo "RSS after: $(awk '/VmRSS/ {print $2, $3}' /proc/$SERVER_PID/status)"
echo "work dir: $WORK"
