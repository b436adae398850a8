#!/usr/bin/env bash
# Home and article list benchmark (docs/content.md): release build, loopback.
#   scripts/content_bench.sh                         # SQLite, 5,000 articles, 64 clients
#   DATABASE_URL=postgres://u@h/emptydb scripts/content_bench.sh   # PostgreSQL (an empty database)
#   ARTICLES=500 REQUESTS=500 PROFILE=debug scripts/content_bench.sh  # a quick check
set -euo pipefail
cd "$(dirname "$0")/.."
ARTICLES=${ARTICLES:-5000}
CLIENTS=${CLIENTS:-64}
REQUESTS=${REQUESTS:-20000}
PORT=${PORT:-18617}
PROFILE=${PROFILE:-release}
WORK=$(mktemp -d /tmp/guildhall-content.XXXXXX)
BASE="http://127.0.0.1:$PORT"
if [[ "$PROFILE" == debug ]]; then
  cargo build --bin guildhall --example content_bench >/dev/null
else
  # release, or perf (release optimisation without LTO: Cargo.toml)
  cargo build --profile "$PROFILE" --bin guildhall --example content_bench >/dev/null
fi
TARGET=${CARGO_TARGET_DIR:-target}/$PROFILE
mkdir -p "$WORK/data"
DB=${DATABASE_URL:-$WORK/data/guildhall.db}
"$TARGET/examples/content_bench" seed --db "$DB" --articles "$ARTICLES"
export GUILDHALL_DATA_DIR="$WORK/data" GUILDHALL_BIND="127.0.0.1:$PORT" GUILDHALL_LOG__LEVEL=warn
"$TARGET/guildhall" >>"$WORK/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
"$TARGET/examples/content_bench" run --base "$BASE" --clients "$CLIENTS" --requests "$REQUESTS"
[[ -z "${DATABASE_URL:-}" ]] && ls -l "$WORK/data/guildhall.db"
echo "work dir: $WORK"
