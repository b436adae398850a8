#!/usr/bin/env bash
# Starts a local S3-compatible server for the media tests (moto's server mode, from
# PyPI) on 127.0.0.1:${S3_TEST_PORT:-5005}, installing it first when missing, and waits
# until it answers. Then: TEST_S3_ENDPOINT=http://127.0.0.1:5005 cargo test --test it media_s3
# Stop it with: kill "$(cat "${TMPDIR:-/tmp}/guildhall-s3-test.pid")"
set -euo pipefail
PORT="${S3_TEST_PORT:-5005}"
PIDFILE="${TMPDIR:-/tmp}/guildhall-s3-test.pid"

answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

if answers; then
  echo "an S3 test server already answers on 127.0.0.1:$PORT"
  exit 0
fi
if ! command -v moto_server >/dev/null 2>&1; then
  echo "installing moto[server] from PyPI"
  python3 -m pip install --quiet 'moto[server]'
fi
MOTO="$(command -v moto_server || true)"
if [ -z "$MOTO" ]; then
  # pyenv and --user installs may put it outside PATH.
  MOTO="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/moto_server"
fi
nohup "$MOTO" -H 127.0.0.1 -p "$PORT" >"${TMPDIR:-/tmp}/guildhall-s3-test.log" 2>&1 &
echo $! >"$PIDFILE"
for _ in $(seq 1 30); do
  if answers; then
    echo "S3 test server on http://127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
    exit 0
  fi
  sleep 1
done
echo "the S3 test server did not start; see ${TMPDIR:-/tmp}/guildhall-s3-test.log" >&2
exit 1
