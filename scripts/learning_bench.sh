#!/usr/bin/env bash
# Heartbeat benchmark of the learning platform (docs/learning.md): the real server in
# one process with the injectable clock, 1,000 learners on 5 lessons, 12 rounds of
# heartbeats (2 simulated minutes, one beat per learner per 10 s), over loopback HTTP.
#   scripts/learning_bench.sh                        # SQLite, release: paced at 500/s, then max
#   DATABASE_URL=postgres://u@h/emptydb scripts/learning_bench.sh   # PostgreSQL (an empty database)
#   LEARNERS=200 ROUNDS=6 PROFILE=debug scripts/learning_bench.sh  # a quick check
set -euo pipefail
cd "$(dirname "$0")/.."
LEARNERS=${LEARNERS:-1000}
ROUNDS=${ROUNDS:-12}
RATE=${RATE:-500}
CLIENTS=${CLIENTS:-32}
PROFILE=${PROFILE:-release}
if [[ "$PROFILE" == debug ]]; then
  cargo build --example learning_bench >/dev/null
else
  # release, or perf (release optimisation without LTO: Cargo.toml)
  cargo build --profile "$PROFILE" --example learning_bench >/dev/null
fi
BIN=${CARGO_TARGET_DIR:-target}/$PROFILE/examples/learning_bench
DB=${DATABASE_URL:-}
echo "== paced at $RATE beats/s =="
"$BIN" --mode paced --rate "$RATE" --learners "$LEARNERS" --rounds "$ROUNDS" --db "$DB"
if [[ -n "$DB" ]]; then
  echo "(PostgreSQL: the max run needs another empty database; skipped)"
  exit 0
fi
echo "== as fast as $CLIENTS clients go =="
"$BIN" --mode max --clients "$CLIENTS" --learners "$LEARNERS" --rounds "$ROUNDS"
