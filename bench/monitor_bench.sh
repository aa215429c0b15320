#!/usr/bin/env bash
# Whole-process benchmark of chief-monitord (see docs/monitor.md, "Benchmarks"):
#   1. sustained ingest: batches of 250 from 2 keep-alive connections for SECONDS (default 30),
#      on an empty store;
#   2. the store filled to 1,000,000 events over 1,000 jobs (one host), then 1,000 sequential
#      requests each of GET /v1/status/jobs, /v1/status/summary and
#      /v1/events?jobName=...&limit=100, with p50/p99/max latency;
#   3. chief-monitord's peak RSS (VmHWM) over all of it, and the CPU time of each thread.
# The load client runs on the same machine; the load average is printed with each figure, since
# other work on a shared machine moves them.
# Usage: bash bench/monitor_bench.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
seconds=${2:-30}
monitord=$build/monitor/chief-monitord
load=$build/bench/monitor_load
[[ -x $monitord && -x $load ]] || { echo "build chief-monitord and monitor_load first (cmake --build --preset release)" >&2; exit 2; }

work=$(mktemp -d /tmp/monitor-bench-XXXXXX)
pid=
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

start_monitor() {
  : > "$work/monitor.log"
  MONITOR_PORT=0 MONITOR_DB_PATH=$work/monitor.sqlite "$monitord" --log-target console > "$work/monitor.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/monitor.log" | head -n1)
    [[ -n $port ]] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$work/monitor.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "chief-monitord did not start" >&2; exit 1
}

threads() { for t in /proc/$pid/task/*; do printf '%s:%s ' "$(cat "$t/comm")-${t##*/}" "$(awk '{print $14+$15}' "$t/stat")"; done; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== machine: $(nproc) CPUs, load average $(loadavg)"
start_monitor
echo "== 1. sustained ingest, batches of 250 from 2 connections, ${seconds} s (load average $(loadavg))"
before=$(threads)
"$load" ingest --port "$port" --connections 2 --batch 250 --seconds "$seconds"
echo "thread CPU ticks before: $before"
echo "thread CPU ticks after:  $(threads)"
echo "load average after: $(loadavg)"

stored=$(curl -s "http://127.0.0.1:$port/v1/status/summary" | sed -n 's/.*"totalEvents":\([0-9]*\).*/\1/p')
kill "$pid"; wait "$pid" || true; pid=
rm -f "$work"/monitor.sqlite*
start_monitor
echo "== 2. filling a fresh store to 1,000,000 events over 1,000 jobs on one host"
"$load" seed --port "$port" --events 1000000 --jobs 1000 --hosts 1 --connections 2 --batch 1000
curl -s "http://127.0.0.1:$port/v1/status/summary" | head -c 300; echo
echo "== queries, 1,000 sequential requests each (load average $(loadavg))"
"$load" query --port "$port" --target /v1/status/jobs --requests 1000
"$load" query --port "$port" --target /v1/status/summary --requests 1000
"$load" query --port "$port" --target "/v1/events?jobName=job-17&limit=100" --requests 1000
"$load" query --port "$port" --target "/v1/events?limit=100" --requests 1000
echo "== peak RSS of chief-monitord that stored the 1,000,000 events and answered the queries: $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
echo "== restart on the full store, then the same queries (cold caches)"
kill "$pid"; wait "$pid" || true; pid=
start_monitor
"$load" query --port "$port" --target /v1/status/jobs --requests 1000
"$load" query --port "$port" --target "/v1/events?jobName=job-523&limit=100" --requests 1000
echo "== peak RSS of the restarted chief-monitord: $(grep VmHWM /proc/$pid/status | awk '{print $2, $3}')"
ls -la "$work" | grep monitor.sqlite
echo "(ingest run stored $stored events)"
