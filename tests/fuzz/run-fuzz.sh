#!/usr/bin/env bash
# Builds the config-loader fuzz target with clang (preset "fuzz": ASan+UBSan+libFuzzer) and
# runs it for SECONDS (default 300) from the committed seed corpus. Exits non-zero on any crash,
# leak, timeout or sanitizer report; the reproducer is left in build/fuzz/artifacts/.
# Usage: bash tests/fuzz/run-fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-300}

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzz_config_loader fuzz_monitor_ingest -j "$(nproc)"

work=build/fuzz/corpus-run
artifacts=build/fuzz/artifacts
rm -rf "$work"
mkdir -p "$work" "$artifacts"
cp tests/fuzz/corpus/* "$work"/
build/fuzz/tests/fuzz/fuzz_config_loader "$work" \
  -dict=tests/fuzz/chief.dict -max_total_time="$seconds" -max_len=8192 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" 2>&1 | tail -n 25
echo "fuzz: ${seconds}s clean" >&2

# chief-monitord's ingest and HTTP request path, briefly (CHIEF_MONITOR_FUZZ_SECONDS, default
# the same budget up to 60 s).
monitor_seconds=${CHIEF_MONITOR_FUZZ_SECONDS:-$((seconds < 60 ? seconds : 60))}
work=build/fuzz/corpus-run-monitor
rm -rf "$work"
mkdir -p "$work"
cp tests/fuzz/corpus-monitor/* "$work"/
build/fuzz/tests/fuzz/fuzz_monitor_ingest "$work" \
  -max_total_time="$monitor_seconds" -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" 2>&1 | tail -n 25
echo "fuzz (monitor ingest): ${monitor_seconds}s clean" >&2
