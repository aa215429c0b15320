#!/usr/bin/env bash
# The test command: installs dependencies, builds from scratch, runs every test.
# Run as root on Debian 12 from anywhere: bash tests/run-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/build-deps.sh --with-fuzz --with-packaging

jobs=$(nproc)
# Tests that need root, dbus-daemon or setpriv fail here instead of skipping (tests/support/test_skip.h).
export CHIEF_TESTS_NO_SKIP=1
echo "== release build (-Werror) and the full test suite" >&2
rm -rf build/release
cmake --preset release
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"

echo "== the README's first command (config/run-demo.sh --no-build): chief-monitord and chiefd start, Ctrl-C stops both" >&2
bash tests/system/run_demo_smoke.sh

echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer" >&2
rm -rf build/asan
cmake --preset asan
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs" -L unit

echo "== config loader fuzz smoke run (${CHIEF_FUZZ_SECONDS:=60} s)" >&2
bash tests/fuzz/run-fuzz.sh "$CHIEF_FUZZ_SECONDS"

echo "== packages: .deb (dpkg-buildpackage, lintian) and .rpm (rpmbuild) into build/dist" >&2
rm -rf build/dist
bash packaging/build-packages.sh build/dist

echo "== system test: the .deb under systemd in a systemd-nspawn container" >&2
CHIEF_DIST=$PWD/build/dist bash tests/system/test_package.sh

echo "== all tests passed" >&2
