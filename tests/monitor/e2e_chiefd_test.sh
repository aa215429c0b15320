#!/usr/bin/env bash
# End to end with a real chiefd and its telemetry emitter, registered in CTest
# ("monitor e2e: chiefd alerts").
#
# Starts a webhook sink (python3's http.server), chief-monitord, and chiefd with three jobs whose
# telemetry goes to the monitor:
#   failing  -- an interval job whose script exits 3:          FAILURE must arrive;
#   hang     -- its script sleeps, check.max_runtime_seconds 5: RUNNING_TOO_LONG must arrive;
#   missed   -- due once, in a minute; chiefd is stopped before: MISSED must arrive (grace 0).
# Only the processes it started are stopped, by PID. Exit 0 on success, 77 when chiefd has no
# emitter (under CHIEF_TESTS_NO_SKIP=1 that is a failure).
# Usage: bash tests/monitor/e2e_chiefd_test.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
chiefd=$build/daemon/chiefd
monitord=$build/monitor/chief-monitord
python=/usr/bin/python3
[[ -x $chiefd && -x $monitord ]] || { echo "build chiefd and chief-monitord first" >&2; exit 2; }

if ! grep -aq "/v1/events/batch" "$chiefd"; then
  if [[ -n ${CHIEF_TESTS_NO_SKIP:-} ]]; then echo "FAIL: chiefd has no telemetry emitter" >&2; exit 1; fi
  echo "SKIP: chiefd has no telemetry emitter yet" >&2
  exit 77
fi

work=$(mktemp -d /tmp/chief-e2e-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The webhook sink: appends each POST body, one JSON document per line, to hooks.jsonl.
cat >"$work/sink.py" <<'EOF'
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(sys.argv[2], "ab") as out:
            out.write(body + b"\n")
        self.send_response(200); self.end_headers()
    def log_message(self, *args): pass
server = http.server.HTTPServer(("127.0.0.1", 0), Sink)
print(server.server_address[1], flush=True)
server.serve_forever()
EOF
"$python" "$work/sink.py" unused "$work/hooks.jsonl" >"$work/sink.port" &
pids+=($!)
for _ in $(seq 1 100); do [[ -s $work/sink.port ]] && break; sleep 0.05; done
sink_port=$(cat "$work/sink.port")

MONITOR_PORT=0 MONITOR_DB_PATH=$work/monitor.sqlite MONITOR_WEBHOOK_URL=http://127.0.0.1:$sink_port/hook \
  "$monitord" --log-target console >"$work/monitor.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 200); do
  port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/monitor.log" | head -n1)
  [[ -n $port ]] && break
  sleep 0.05
done
[[ -n ${port:-} ]] || { cat "$work/monitor.log" >&2; exit 1; }

mkdir -p "$work/scripts" "$work/state"
printf '#!/bin/sh\necho failing on purpose >&2\nexit 3\n' >"$work/scripts/fail.sh"
printf '#!/bin/sh\nsleep 600\n' >"$work/scripts/hang.sh"
printf '#!/bin/sh\necho ran\n' >"$work/scripts/ok.sh"
chmod +x "$work"/scripts/*.sh
# "missed" is due at the next whole minute at least 40 s away; chiefd is stopped before it.
due=$(date -u -d "@$(( ($(date +%s) + 100) / 60 * 60 ))" +%H:%M)
cat >"$work/chief.yaml" <<EOF
version: 1
defaults: {timezone: UTC, working_dir: .}
monitor:
  enabled: true
  endpoint: http://127.0.0.1:$port
  heartbeat_seconds: 1
  buffer: {flush_interval_ms: 200}
jobs:
  - name: failing
    schedule: {frequency: interval, every: 1m}
    scripts: [{path: scripts/fail.sh}]
  - name: hang
    schedule: {frequency: interval, every: 1m}
    monitor: {check: {max_runtime_seconds: 5}}
    scripts: [{path: scripts/hang.sh, timeout: 3000}]
  - name: missed
    schedule: {frequency: daily, time: "$due"}
    monitor: {check: {grace_seconds: 0}}
    scripts: [{path: scripts/ok.sh}]
EOF
"$chiefd" --config "$work/chief.yaml" --state-dir "$work/state" --log-target console >"$work/chiefd.log" 2>&1 &
chiefd_pid=$!
pids+=("$chiefd_pid")

arrived() { grep -q "\"alertType\":\"$1\"" "$work/hooks.jsonl" 2>/dev/null; }
wait_for() {  # wait_for TYPE SECONDS
  for _ in $(seq 1 $(($2 * 5))); do arrived "$1" && { echo "ok: $1 webhook arrived" >&2; return 0; }; sleep 0.2; done
  echo "FAIL: no $1 webhook within $2 s" >&2
  tail -n 20 "$work/monitor.log" "$work/chiefd.log" >&2
  exit 1
}
wait_for FAILURE 90
wait_for RUNNING_TOO_LONG 90
# chiefd has told the monitor when "missed" is due; stop it before that instant.
kill "$chiefd_pid"
wait "$chiefd_pid" || true
wait_for MISSED 150
grep -q '"jobName":"missed"' "$work/hooks.jsonl" || { echo "FAIL: the MISSED alert is not for job missed" >&2; exit 1; }
echo "e2e with chiefd: FAILURE, RUNNING_TOO_LONG and MISSED arrived" >&2
