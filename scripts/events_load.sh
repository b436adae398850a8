#!/usr/bin/env bash
# Check-in load test (docs/benchmarks.md): release build, loopback.
#   scripts/events_load.sh            # SQLite, 10,000 users, 64 connections
#   KILL=1 scripts/events_load.sh     # kill -9 the server half-way, restart, verify
#   PG=postgres://postgres@127.0.0.1:5432/postgres scripts/events_load.sh
#                                     # on a fresh PostgreSQL database (made and dropped)
#   PG=… INSTANCES=2 scripts/events_load.sh          # scans spread over two instances
#   PG=… INSTANCES=2 KILL=1 scripts/events_load.sh   # kill -9 the second half-way; the
#                                     # scans go on on the first; verify
#   PROFILE=debug …                   # a debug build (no release target at hand)
#   SKIP_BUILD=1 …                    # use the binaries as built
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${USERS:-10000}
CONCURRENCY=${CONCURRENCY:-64}
PORT=${PORT:-18600}
INSTANCES=${INSTANCES:-1}
PROFILE=${PROFILE:-release}
WORK=$(mktemp -d /tmp/guildhall-load.XXXXXX)
if [[ "${SKIP_BUILD:-0}" == 1 ]]; then
  :  # the binaries are already built
elif [[ "$PROFILE" == release ]]; then
  cargo build --release --bin guildhall --example events_load >/dev/null
else
  cargo build --bin guildhall --example events_load >/dev/null
fi
TARGET=${CARGO_TARGET_DIR:-target}
SERVER=$TARGET/$PROFILE/guildhall
LOAD=$TARGET/$PROFILE/examples/events_load
export GUILDHALL_LOG__LEVEL=warn
# Every instance shares the keys (a QR code made by one is valid on the others).
GUILDHALL_SECRETS__HMAC_KEY=$(head -c 32 /dev/urandom | base64 -w0)
GUILDHALL_SECRETS__COOKIE_KEY=$(head -c 64 /dev/urandom | base64 -w0)
export GUILDHALL_SECRETS__HMAC_KEY GUILDHALL_SECRETS__COOKIE_KEY
echo "hmac_key = \"$GUILDHALL_SECRETS__HMAC_KEY\"" >"$WORK/secrets.toml"
if [[ -n "${PG:-}" ]]; then
  NAME="guildhall_load_$$"
  psql -q "$PG" -c "CREATE DATABASE $NAME"
  trap 'psql -q "$PG" -c "DROP DATABASE IF EXISTS $NAME WITH (FORCE)" || true' EXIT
  DB_URL="${PG%/*}/$NAME"
  export DATABASE_URL="$DB_URL"
else
  [[ "$INSTANCES" == 1 ]] || { echo "several instances need PG=postgres://…" >&2; exit 1; }
  DB_URL="$WORK/data1/guildhall.db"
fi
declare -a PIDS BASES
start_server() { # index (1-based)
  local i=$1 port=$((PORT + $1 - 1))
  GUILDHALL_DATA_DIR="$WORK/data$i" GUILDHALL_BIND="127.0.0.1:$port" \
    "$SERVER" >>"$WORK/server$i.log" 2>&1 &
  PIDS[$i]=$!
  BASES[$i]="http://127.0.0.1:$port"
  for _ in $(seq 300); do curl -sf "${BASES[$i]}/healthz" >/dev/null && return; sleep 0.1; done
  echo "server $i did not start" >&2; exit 1
}
for i in $(seq "$INSTANCES"); do start_server "$i"; done
ALL=$(IFS=,; echo "${BASES[*]}")
"$LOAD" seed --db "$DB_URL" --users "$USERS" --out "$WORK" --hmac-key-file "$WORK/secrets.toml"
"$LOAD" register --base "${BASES[1]}" --dir "$WORK"
if [[ "${KILL:-0}" == 1 ]]; then
  "$LOAD" scan --base "$ALL" --dir "$WORK" --concurrency "$CONCURRENCY" &
  LOAD_PID=$!
  # Half-way: wait until half the users have a success answer, then kill -9.
  until [[ -f "$WORK/ok.txt" && $(wc -l <"$WORK/ok.txt") -ge $((USERS / 2)) ]]; do sleep 0.02; done
  VICTIM=$INSTANCES
  kill -9 "${PIDS[$VICTIM]}"; wait "${PIDS[$VICTIM]}" 2>/dev/null || true
  echo "killed server $VICTIM after $(wc -l <"$WORK/ok.txt") success answers"
  # One instance: restart it. Several: the others take the scans.
  if [[ "$INSTANCES" == 1 ]]; then start_server 1; else unset "PIDS[$VICTIM]"; fi
  wait "$LOAD_PID"
else
  "$LOAD" scan --base "$ALL" --dir "$WORK" --concurrency "$CONCURRENCY"
fi
for pid in "${PIDS[@]}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
"$LOAD" verify --db "$DB_URL" --dir "$WORK"
echo "work dir: $WORK"
