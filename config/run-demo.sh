#!/usr/bin/env bash
# The main-job command: installs dependencies, builds, and shows Chief on the demo config.
# Run as root on Debian 12 from anywhere: bash config/run-demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/build-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"

chiefctl=build/release/ctl/chiefctl
echo
echo "\$ chiefctl --config config/chief.yaml validate"
"$chiefctl" --config config/chief.yaml validate
echo
echo "\$ chiefctl --config config/chief.yaml preview --count 3"
"$chiefctl" --config config/chief.yaml preview --count 3
echo
echo "\$ chiefctl --config config/chief.yaml export-cron"
"$chiefctl" --config config/chief.yaml export-cron
