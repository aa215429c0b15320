#!/usr/bin/env bash
# Dispatch latency, due instant to the script's exec, over many due instants: N jobs due at each
# minute boundary, chiefd's clock run SPEED times faster (--time-speed) so that RUNS runs take
# RUNS/N*60/SPEED seconds instead of RUNS/N minutes. The timer, the scheduler, the spawner and
# the script are the real ones; exec_stamp maps each due instant back to real time.
# Usage: bench/dispatch_latency.sh [JOBS_PER_MINUTE=1] [RUNS=1000] [SPEED=600] [BINDIR=build/release]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1} runs=${2:-1000} speed=${3:-600} bindir=${4:-$root/build/release}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bash "$root/bench/gen_dispatch_config.sh" "$dir" "$n" "$bindir/bench/exec_stamp" "$dir/stamps"
instants=$(( (runs + n - 1) / n ))
# Seconds of real time for `instants` virtual minutes, plus two virtual minutes of margin.
window=$(( ((instants + 2) * 60 + speed - 1) / speed ))
echo "dispatch latency: $n job(s) due at each of $instants minute boundaries, clock x$speed, ${window}s window" >&2
"$bindir/bench/daemon_probe" "$window" -- "$bindir/daemon/chiefd" --time-speed "$speed" \
  --config "$dir/chief.yaml" --state-dir "$dir/state" --log-target console --log-level warning 2>&1 |
  grep -v 'benchmark mode' || true
"$bindir/bench/run_stats" latency "$dir/stamps"
