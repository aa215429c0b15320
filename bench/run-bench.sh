#!/usr/bin/env bash
# Runs the issue-2 benchmarks on a release build and prints the figures docs/benchmarks.md quotes.
# Usage: bash bench/run-bench.sh   (after a release build; builds it if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build --preset release --target next_fire_bench measure_process chiefctl -j "$(nproc)" >/dev/null

echo "== next-fire time (Google Benchmark, 10 repetitions, median)"
build/release/bench/next_fire_bench --benchmark_repetitions=10 --benchmark_report_aggregates_only=true \
  --benchmark_filter='.*' 2>/dev/null | grep -E '_median|^Benchmark|^---'

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
config=$(bash bench/gen_config.sh "$work" 10000)
echo
echo "== whole process on a 10,000-job config ($(du -h "$config" | cut -f1), $(wc -l < "$config") lines)"
printf 'chiefctl validate:             '
build/release/bench/measure_process 10 -- build/release/ctl/chiefctl --config "$config" validate
printf 'chiefctl preview --count 5:    '
build/release/bench/measure_process 10 -- build/release/ctl/chiefctl --config "$config" preview --count 5
printf 'chiefctl preview --count 5 --json: '
build/release/bench/measure_process 10 -- build/release/ctl/chiefctl --config "$config" preview --count 5 --json
