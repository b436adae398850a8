#!/usr/bin/env bash
# Measures the release build: start-up time, idle RSS and /healthz throughput with wrk.
# Usage: scripts/bench-healthz.sh   (needs wrk: apt-get install -y wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8099}
DATA=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT

cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/guildhall
ls -l "$BIN" | awk '{print "binary size: " $5 " bytes"}'

start=$(date +%s%N)
GUILDHALL_BIND=127.0.0.1:$PORT GUILDHALL_DATA_DIR=$DATA RUST_LOG=warn "$BIN" serve &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.005; done
echo "start-up (empty data dir, migrations included): $(( ($(date +%s%N) - start) / 1000000 )) ms"
sleep 2
grep VmRSS "/proc/$PID/status" | awk '{print "idle RSS: " $2 " kB"}'
wrk -t2 -c64 -d10s "http://127.0.0.1:$PORT/healthz"
grep VmRSS "/proc/$PID/status" | awk '{print "RSS after load: " $2 " kB"}'
