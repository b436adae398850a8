#!/usr/bin/env bash
# Hall search benchmark (docs/marketplace.md): release build, loopback.
#   scripts/marketplace_bench.sh                         # SQLite, 50,000 listings, 16 clients
#   DATABASE_URL=postgres://u@h/emptydb scripts/marketplace_bench.sh   # PostgreSQL (an empty database)
#   LISTINGS=5000 REQUESTS=500 PROFILE=debug scripts/marketplace_bench.sh  # a quick check
set -euo pipefail
cd "$(dirname "$0")/.."
LISTINGS=${LISTINGS:-50000}
CLIENTS=${CLIENTS:-16}
REQUESTS=${REQUESTS:-2000}
PORT=${PORT:-18613}
PROFILE=${PROFILE:-release}
WORK=$(mktemp -d /tmp/guildhall-market.XXXXXX)
BASE="http://127.0.0.1:$PORT"
if [[ "$PROFILE" == debug ]]; then
  cargo build --bin guildhall --example marketplace_bench >/dev/null
else
  # release, or perf (release optimisation without LTO: Cargo.toml)
  cargo build --profile "$PROFILE" --bin guildhall --example marketplace_bench >/dev/null
fi
TARGET=${CARGO_TARGET_DIR:-target}/$PROFILE
mkdir -p "$WORK/data"
DB=${DATABASE_URL:-$WORK/data/guildhall.db}
"$TARGET/examples/marketplace_bench" seed --db "$DB" --listings "$LISTINGS"
export GUILDHALL_DATA_DIR="$WORK/data" GUILDHALL_BIND="127.0.0.1:$PORT" GUILDHALL_LOG__LEVEL=warn
"$TARGET/guildhall" >>"$WORK/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
"$TARGET/examples/marketplace_bench" run --base "$BASE" --clients "$CLIENTS" --requests "$REQUESTS"
"$TARGET/examples/marketplace_bench" size --db "$DB"
[[ -z "${DATABASE_URL:-}" ]] && ls -l "$WORK/data/guildhall.db"
echo "work dir: $WORK"
