#!/usr/bin/env bash
# npm run demo: services, build, a fresh demo database, the API and the worker in the background, the
# small generated data set through the API, the checks, and what they found (scripts/demo.ts).
# API and worker keep running afterwards; Ctrl-C stops both.
# Uses DATABASE_URL when set (as it is); otherwise the database taalschool_demo, recreated each run.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

bash scripts/services.sh
echo "[demo] building"
mkdir -p var/demo
npm run --silent build >var/demo/build.log 2>&1 || { cat var/demo/build.log; exit 1; }

if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/taalschool_demo"
  node -e "require('./dist/scripts/lib/stack').recreateDatabase(process.env.DATABASE_URL).catch((e) => { console.error(e.message); process.exit(1); })"
  echo "[demo] fresh database taalschool_demo"
fi
# The demo's jobs live under their own queue prefix, emptied each run (no job of an earlier run lingers).
export QUEUE_PREFIX="${QUEUE_PREFIX:-taalschool-demo}"
node -e "require('./dist/scripts/lib/stack').clearQueues(process.env.REDIS_URL || 'redis://127.0.0.1:6379', process.env.QUEUE_PREFIX).catch((e) => { console.error(e.message); process.exit(1); })"

export PORT="${PORT:-3000}"
if node -e "require('net').connect(process.env.PORT, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"; then
  echo "[demo] ERROR: port $PORT is in use; stop what runs there or set PORT." >&2
  exit 1
fi

node dist/src/main.js >var/demo/api.log 2>&1 &
api_pid=$!
node dist/jobs/worker.js >var/demo/worker.log 2>&1 &
worker_pid=$!
echo "[demo] API (pid $api_pid) and worker (pid $worker_pid) starting; logs in var/demo/"

stop() {
  trap - INT TERM EXIT
  echo
  echo "[demo] stopping API and worker"
  kill -TERM "$api_pid" "$worker_pid" 2>/dev/null || true
  wait "$api_pid" "$worker_pid" 2>/dev/null || true
  exit 0
}
trap stop INT TERM
trap 'kill -TERM "$api_pid" "$worker_pid" 2>/dev/null || true' EXIT

DEMO_STARTED="$started" node dist/scripts/demo.js || echo "[demo] the story stopped early (see above)"

trap - EXIT
echo "[demo] API and worker keep running; Ctrl-C stops both."
# Wait for either to exit (Ctrl-C runs stop()); if one dies on its own, stop the other too.
wait -n "$api_pid" "$worker_pid" || true
echo "[demo] a process exited; see var/demo/*.log"
stop
