#!/usr/bin/env bash
# The main-job command: installs dependencies, builds, and runs chiefd in the foreground on the
# demo config, whose workers show a success, a failure (stop_on_failure) and a timeout that
# ends a SIGTERM-ignoring process tree. Ctrl-C stops it.
# Run as root on Debian 12 from anywhere: bash config/run-demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/build-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"

bin=build/release
echo
echo "\$ chiefctl --config config/chief.yaml validate"
"$bin/ctl/chiefctl" --config config/chief.yaml validate
echo
echo "\$ chiefctl --config config/chief.yaml preview --count 2"
"$bin/ctl/chiefctl" --config config/chief.yaml preview --count 2
echo
echo "\$ chiefd --config config/chief.yaml --log-target console --state-dir build/demo-state"
echo "  (jobs fire at minute boundaries: report every minute, flaky-upstream every 2, stuck-export every 3)"
exec "$bin/daemon/chiefd" --config config/chief.yaml --log-target console --state-dir build/demo-state
