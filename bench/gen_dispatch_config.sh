#!/usr/bin/env bash
# Writes a config of N jobs that all fire every minute and all run at once
# (max_parallel_jobs: N, overlap: parallel), each running exec_stamp into STAMPS.
# Usage: bench/gen_dispatch_config.sh DIR N EXEC_STAMP STAMPS
# With CHIEF_BENCH_MONITOR=URL, telemetry is on and sent to URL (e.g. a sink that never answers).
set -euo pipefail
dir=$1 n=$2 stamp=$3 stamps=$4
mkdir -p "$dir"
{
  if [[ -n ${CHIEF_BENCH_MONITOR:-} ]]; then
    echo "monitor:"
    echo "  enabled: true"
    echo "  endpoint: $CHIEF_BENCH_MONITOR"
    echo "  timeout_ms: 2000"
  fi
  echo "defaults:"
  echo "  max_parallel_jobs: $n"
  echo "  overlap: parallel"
  echo "  timezone: UTC"
  echo "jobs:"
  for ((i = 0; i < n; i++)); do
    printf '  - name: d%04d\n    schedule: {frequency: interval, every: 1m}\n    scripts: [{path: %s, args: [%s], timeout: 30}]\n' \
      "$i" "$stamp" "$stamps"
  done
} > "$dir/chief.yaml"
