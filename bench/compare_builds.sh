#!/usr/bin/env bash
# Runs the benchmarks of docs/benchmarks.md against two release builds, alternating them, ROUNDS
# times each, and prints the median of each figure for both and the change. Used to show that a
# restructuring changed no figure by more than 10% (issue 10: before = tag pre-issue10).
#
# Usage: bench/compare_builds.sh BEFORE_BUILD_DIR AFTER_BUILD_DIR [ROUNDS=3]
#   each BUILD_DIR is a release build tree (bench/, daemon/chiefd, ctl/chiefctl inside)
# Shorter windows than the full benchmarks (the same figures, fewer samples), so three rounds of
# both take about ten minutes. Run on a quiet machine: nothing else building.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
before=$(cd "$1" && pwd) after=$(cd "$2" && pwd) rounds=${3:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/chief-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT
results=$work/results   # lines: build figure value
: >"$results"

config10k=$(bash "$root/bench/gen_config.sh" "$work/cfg10k" 10000)
bash "$root/bench/gen_config.sh" "$work/quiet10k" 10000 quiet >/dev/null

record() { echo "$1 $2 $3" >>"$results"; }
# The value of NAME=value in the tools' one-line reports (the last such line).
field() { grep -o "$1=[0-9.]*" <<<"$2" | tail -1 | cut -d= -f2; }

one_round() {
    local label=$1 b=$2 out
    # Time engine: next fire time, Google Benchmark medians (ns).
    out=$("$b/bench/next_fire_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>/dev/null |
        awk '/_median/ { print $1, $2 }')
    while read -r name ns; do record "$label" "next_fire:${name%_median}_ns" "$ns"; done <<<"$out"
    # chiefctl on 10,000 jobs: median wall ms and peak RSS of 5 runs.
    for verb in validate "preview --count 5"; do
        # shellcheck disable=SC2086
        out=$("$b/bench/measure_process" 5 -- "$b/ctl/chiefctl" --config "$config10k" $verb)
        record "$label" "chiefctl_${verb%% *}_10k_ms" "$(awk -F'median_s=' 'NF > 1 { split($2, a, " "); print a[1] * 1000 }' <<<"$out")"
        record "$label" "chiefctl_${verb%% *}_10k_rss_mb" "$(field peak_rss_mb "$out")"
    done
    # chiefd idle on 10,000 quiet jobs, 20 s window.
    rm -rf "$work/quiet10k/state"
    out=$("$b/bench/daemon_probe" 20 -- "$b/daemon/chiefd" --config "$work/quiet10k/chief.yaml" \
        --state-dir "$work/quiet10k/state" --log-target console --log-level warning 2>&1 || true)
    record "$label" idle_ready_ms "$(field ready_ms "$out")"
    record "$label" idle_peak_rss_mb "$(field peak_rss_mb "$out")"
    record "$label" idle_cpu_ms "$(field cpu_ms "$out")"
    # Dispatch latency: 1 job per boundary, x600, 300 runs.
    out=$(bash "$root/bench/dispatch_latency.sh" 1 300 600 "$b" 2>/dev/null)
    record "$label" dispatch_p50_ms "$(field p50_ms "$out")"
    record "$label" dispatch_p99_ms "$(field p99_ms "$out")"
    # D-Bus: chiefctl status and preview on 1,000 jobs, 20 calls each.
    out=$(bash "$root/bench/bus_status_bench.sh" "$b" 20 1000 2>/dev/null)
    record "$label" bus_status_median_ms "$(awk '/chiefctl status/ { print $4 }' <<<"$out")"
    record "$label" bus_preview_median_ms "$(awk '/chiefctl preview/ { print $6 }' <<<"$out")"
}

for ((r = 1; r <= rounds; r++)); do
    echo "round $r/$rounds: before" >&2
    one_round before "$before"
    echo "round $r/$rounds: after" >&2
    one_round after "$after"
done

python3 - "$results" <<'EOF'
import statistics, sys
values = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) != 3:
        continue
    build, figure, value = parts
    try:
        values.setdefault(figure, {}).setdefault(build, []).append(float(value))
    except ValueError:
        pass
print(f"{'figure':<44} {'before':>10} {'after':>10} {'change':>8}")
for figure in sorted(values):
    b = values[figure].get('before', [])
    a = values[figure].get('after', [])
    if not b or not a:
        print(f"{figure:<44} {'-':>10} {'-':>10}   (missing: {'before' if not b else 'after'})")
        continue
    mb, ma = statistics.median(b), statistics.median(a)
    change = (ma - mb) / mb * 100 if mb else 0.0
    print(f"{figure:<44} {mb:>10.2f} {ma:>10.2f} {change:>+7.1f}%")
EOF
