#!/usr/bin/env bash
# The main-job command: installs dependencies, builds, starts chief-monitord (the monitor, whose
# dashboard it prints) and runs chiefd in the foreground on the demo config, whose workers show a
# success, a failure (stop_on_failure) and a timeout that ends a SIGTERM-ignoring process tree.
# The demo config's monitor endpoint (config/chief.yaml, monitor:) is this chief-monitord.
# Ctrl-C stops both: chiefd first (it reports to the monitor), then chief-monitord.
# Run as root on Debian 12 from anywhere: bash config/run-demo.sh
#   --no-build   skip installing dependencies and building (tests/system/run_demo_smoke.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
for option in "$@"; do
  case $option in
    --no-build) build=0 ;;
    *) echo "run-demo: unknown option $option" >&2; exit 2 ;;
  esac
done
if ((build)); then
  bash packaging/build-deps.sh
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc)"
fi

bin=build/release
state=build/demo-state
monitor_state=build/demo-monitor
# Where config/chief.yaml's monitor.endpoint points; config/monitor.yaml listens there.
monitor_url=http://127.0.0.1:7410
mkdir -p "$state" "$monitor_state"
echo
echo "\$ chiefctl --config config/chief.yaml validate"
"$bin/ctl/chiefctl" --config config/chief.yaml validate
echo
echo "\$ chiefctl --config config/chief.yaml preview --count 2"
"$bin/ctl/chiefctl" --config config/chief.yaml preview --count 2

monitor_pid=
chiefd_pid=
# Sends SIGTERM to a child still running. Once only per call: a second SIGTERM means "hurry"
# to both daemons, which is what a second Ctrl-C is for.
terminate() { if [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; then kill -TERM "$1" 2>/dev/null || true; fi; }
stop_all() {
  terminate "$chiefd_pid"
  [[ -z $chiefd_pid ]] || wait "$chiefd_pid" 2>/dev/null || true
  chiefd_pid=
  terminate "$monitor_pid"
  [[ -z $monitor_pid ]] || wait "$monitor_pid" 2>/dev/null || true
  monitor_pid=
}
# A second Ctrl-C while stopping reaches whichever daemon is still stopping, as a second SIGTERM.
on_signal() {
  trap 'terminate "$chiefd_pid"; terminate "$monitor_pid"' INT TERM
  echo >&2
  echo "stopping chiefd, then chief-monitord (Ctrl-C again to hurry them)" >&2
  stop_all
  exit "$1"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
trap stop_all EXIT

echo
log=$monitor_state/monitor.log
echo "\$ chief-monitord --config config/monitor.yaml --log-target console   (store and log in $monitor_state)"
: > "$log"
# Each daemon in a process group of its own (set -m while starting it), so the terminal's Ctrl-C
# reaches them only through on_signal: once each, chiefd first.
set -m
MONITOR_DB_PATH=$PWD/$monitor_state/monitor.sqlite "$bin/monitor/chief-monitord" --config config/monitor.yaml \
  --log-target console >"$log" 2>&1 &
monitor_pid=$!
set +m
# Ready once it logs where it listens (the store is open and the port bound by then).
for _ in $(seq 1 200); do
  grep -q " listening on $monitor_url " "$log" && break
  if ! kill -0 "$monitor_pid" 2>/dev/null; then
    wait "$monitor_pid" || true
    monitor_pid=
    echo "chief-monitord did not start (is something else listening on $monitor_url?):" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.05
done
grep -q " listening on $monitor_url " "$log" || { echo "chief-monitord did not become ready" >&2; exit 1; }
echo "  chief-monitord is listening: dashboard $monitor_url/"
echo
echo "\$ chiefd --config config/chief.yaml --log-target console --state-dir $state"
echo "  (jobs fire at minute boundaries: report every minute, flaky-upstream every 2, stuck-export every 3;"
echo "   the config's monitor endpoint is $monitor_url, its dashboard $monitor_url/; Ctrl-C stops both)"
set -m
"$bin/daemon/chiefd" --config config/chief.yaml --log-target console --state-dir "$state" &
chiefd_pid=$!
set +m
# Until either ends by itself (a signal to this script runs on_signal instead).
status=0
wait -n "$chiefd_pid" "$monitor_pid" || status=$?
if ! kill -0 "$monitor_pid" 2>/dev/null; then
  echo "chief-monitord exited (status $status); its log:" >&2
  tail -n 20 "$log" >&2
else
  echo "chiefd exited (status $status)" >&2
fi
stop_all
exit "$status"
