#!/usr/bin/env bash
# Load test the real server: gunicorn with gunicorn.conf.py and production settings, driven by wrk over loopback.
# `make bench` runs this. Paths come from bench/urls.txt; raw wrk output and a summary land in bench/results/.
#
# Settings (environment):
#   BENCH_CONNECTIONS=16 BENCH_THREADS=2 BENCH_DURATION=10s  wrk's -c, -t and -d for each measured path
#   BENCH_WARMUP=3s        wrk run per path before measuring (imports, template and query caches warm)
#   BENCH_TIMEOUT=10s      a response slower than this counts as an error instead of a latency
#   BENCH_SCALE=10000      demo catalog size, passed to seed_demo when it accepts --scale
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres  PostgreSQL to use when reachable (else SQLite)
#   WEB_CONCURRENCY, GUNICORN_THREADS  as in production (gunicorn.conf.py); default one worker per CPU, 8 threads
#   BENCH_REUSE_DB=1       keep the lagiftart_bench PostgreSQL database of an earlier run (migrate only, no re-seed)
#   BENCH_PATHS="/floor /en/gifts/"  measure these paths instead of bench/urls.txt (the first is still the floor)
#   BENCH_GZIP=1           send Accept-Encoding: gzip, as every browser does (pages then pay for their compression)
#   BENCH_ROUNDS=1         measure the whole list this many times and report each path's median round; on a machine
#                          others share, 3 rounds compare every path with a floor measured minutes, not a run, apart
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
CONNECTIONS=${BENCH_CONNECTIONS:-16}
THREADS=${BENCH_THREADS:-2}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
TIMEOUT=${BENCH_TIMEOUT:-10s}
ROUNDS=${BENCH_ROUNDS:-1}
SCALE=${BENCH_SCALE:-10000}
wrk_headers=()
if [ "${BENCH_GZIP:-0}" = 1 ]; then wrk_headers=(-H "Accept-Encoding: gzip"); fi
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is missing: run 'sudo apt-get install -y wrk' (Debian/Ubuntu) and try again." >&2
    exit 1
  fi
fi

# Other work on the machine skews every figure: the summary records how busy it was before the run.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
run_dir="bench/results/$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$run_dir"

# Production settings, as in the container, except what plain HTTP on loopback needs. A throwaway key per run.
export DJANGO_ENV=production DEBUG=false ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false
SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')
export SECRET_KEY
# Request log lines are INFO: at WARNING the benchmark measures the app, not the writing of one line per request.
export LOG_FORMAT=json LOG_LEVEL=WARNING
# wrk is one client address: at the API's production limit (120 requests a minute) nearly every answer would be a
# 429. A per-second window keeps the throttle's own bookkeeping in the measurement without it ever refusing.
export API_THROTTLE_ANON=1000000/second
export STATIC_MANIFEST=true STATIC_ROOT="$PWD/bench/results/staticfiles"
# Demo pictures and private files stay with the results, away from a developer's own media folders.
export MEDIA_ROOT="$PWD/bench/results/media" PRIVATE_MEDIA_ROOT="$PWD/bench/results/private-media"
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export PORT

reuse_db=false
if command -v pg_isready >/dev/null && pg_isready -q; then
  if [ "${BENCH_REUSE_DB:-0}" = 1 ] && psql -Atq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'lagiftart_bench'" | grep -q 1; then
    reuse_db=true
  else
    PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 -d postgres \
      -c "DROP DATABASE IF EXISTS lagiftart_bench WITH (FORCE)" -c "CREATE DATABASE lagiftart_bench"
  fi
  export DATABASE_URL="postgres://${PGUSER}@${PGHOST}:${PGPORT}/lagiftart_bench"
  database="PostgreSQL $(psql -Atq -d postgres -c 'SHOW server_version')"
  if [ "$reuse_db" = true ]; then database="$database (lagiftart_bench reused, BENCH_REUSE_DB=1)"; fi
else
  rm -f bench/results/bench.sqlite3*
  export DATABASE_URL="sqlite:///$PWD/bench/results/bench.sqlite3"
  database="SQLite $("$PY" -c 'import sqlite3; print(sqlite3.sqlite_version)')"
fi

echo "== preparing: $database, migrate, seed_demo, collectstatic"
"$PY" manage.py migrate --noinput -v 0
seed_args=()
if "$PY" manage.py seed_demo --help | grep -q -- '--scale'; then
  seed_args=(--scale "$SCALE")
fi
if [ "$reuse_db" = true ]; then
  echo "   BENCH_REUSE_DB=1: reusing lagiftart_bench as an earlier run seeded it" | tee "$run_dir/seed_demo.log"
else
  "$PY" manage.py seed_demo "${seed_args[@]}" >"$run_dir/seed_demo.log"
fi
if [[ $DATABASE_URL == postgres* && $reuse_db == false ]]; then
  # Planner statistics and the visibility map for the rows just loaded, as autovacuum keeps them on a live database
  # (index-only scans, such as counting the catalog, need the visibility map).
  psql -q -d lagiftart_bench -c "VACUUM ANALYZE"
fi
"$PY" manage.py collectstatic --noinput -v 0

.venv/bin/gunicorn --config gunicorn.conf.py >"$run_dir/gunicorn.log" 2>&1 &
gunicorn_pid=$!
stop_gunicorn() {
  if kill -0 "$gunicorn_pid" 2>/dev/null; then
    kill -TERM "$gunicorn_pid"
    wait "$gunicorn_pid" || true
  fi
}
trap stop_gunicorn EXIT
trap 'exit 130' INT TERM

base="http://127.0.0.1:${PORT}"
"$PY" - "$base/healthz" "$gunicorn_pid" <<'EOF'
import os, sys, time, urllib.request

url, pid = sys.argv[1], int(sys.argv[2])
for _ in range(600):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit("gunicorn exited while starting; see gunicorn.log in the results folder")
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            if response.status == 200:
                sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(f"gunicorn did not answer {url}")
EOF

read -r workers threads < <("$PY" -c 'import runpy; c = runpy.run_path("gunicorn.conf.py"); print(c["workers"], c["threads"])')
if [ -n "${BENCH_PATHS:-}" ]; then
  read -r -a paths <<<"$BENCH_PATHS"
else
  mapfile -t paths < <(grep -v -e '^\s*#' -e '^\s*$' bench/urls.txt)
fi

# CPU time the gunicorn workers have used so far, in clock ticks. Requests per second depend on whatever else the
# machine runs; the workers' CPU time per request less so, which helps compare runs made on a busy machine.
worker_ticks() {
  local total=0 pid stat fields
  for pid in $(pgrep -P "$gunicorn_pid"); do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }  # the fields after the command name, which may hold spaces
    read -r -a fields <<<"$stat"
    total=$((total + fields[11] + fields[12]))  # utime + stime
  done
  echo "$total"
}
ticks_per_second=$(getconf CLK_TCK)

# Each path is warmed up right before it is measured: the warm-up also absorbs requests the previous path left in
# flight when its wrk run stopped, so every measurement starts from that path's own steady state.
echo "== measuring: wrk -t $THREADS -c $CONNECTIONS -d $DURATION after a $WARMUP warm-up, gunicorn $workers workers x $threads threads, $ROUNDS round(s)"
results=()
for round in $(seq 1 "$ROUNDS"); do
  for path in "${paths[@]}"; do
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "$WARMUP" --timeout "$TIMEOUT" "${wrk_headers[@]}" "$base$path" >/dev/null
    raw="$run_dir/wrk$(echo "$path" | tr -c 'A-Za-z0-9\n' '_')-round$round.txt"
    ticks_before=$(worker_ticks)
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --timeout "$TIMEOUT" --latency -s bench/report.lua \
      "${wrk_headers[@]}" "$base$path" >"$raw"
    ticks_used=$(($(worker_ticks) - ticks_before))
    results+=("$path round=$round $(grep '^BENCH ' "$raw" | cut -d' ' -f2-) worker_ticks=$ticks_used ticks_per_second=$ticks_per_second")
    echo "   $path done (round $round of $ROUNDS)"
  done
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
summary="$run_dir/summary.md"
{
  echo "# make bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(uname -sr); load average before the run: $load_before, after: $load_after"
  echo "- server: gunicorn $(.venv/bin/gunicorn --version | cut -d' ' -f3 | tr -d ')'), gthread, $workers workers x $threads threads, DJANGO_ENV=production, LOG_LEVEL=$LOG_LEVEL"
  echo "- database: $database; seed_demo ${seed_args[*]:-(no --scale)}"
  echo "- load: wrk -t $THREADS -c $CONNECTIONS -d $DURATION --timeout $TIMEOUT after a $WARMUP warm-up per path${wrk_headers[*]:+, ${wrk_headers[*]}}, loopback, same machine"
  echo "- CPU ms: CPU time of the gunicorn workers per request (user + system); other work on the machine moves it less than requests/s"
  if [ "$ROUNDS" -gt 1 ]; then echo "- $ROUNDS rounds: each row is the path's median round; % floor is taken within each round"; fi
  echo
  printf '%s\n' "${results[@]}" | "$PY" bench/summary.py || bad=1
} >"$summary"
cat "$summary"
echo
echo "Raw wrk output, gunicorn log and this summary: $run_dir"
if [ "${bad:-0}" = 1 ]; then
  echo "Some requests failed, timed out or answered non-2xx (errors column), or a path served none." >&2
  exit 1
fi
