#!/usr/bin/env bash
# Whole-process latency of the online chiefctl commands: a private dbus-daemon, chiefd --user
# on it with a generated config, then `chiefctl status` and `chiefctl preview --count 5` timed
# RUNS times each (after a few untimed warm-up calls). Prints median, p90, min and max in ms.
#
# Usage: bench/bus_status_bench.sh [BINDIR] [RUNS] [JOBS]
#   BINDIR  where chiefd and chiefctl are: a build tree (daemon/chiefd, ctl/chiefctl) or a
#           directory holding both; default build/release
#   RUNS    timed calls per command (default 50)
#   JOBS    jobs in the generated config (default 1000)
#
# The config is gen_config.sh's "quiet" one: every job fires only twelve hours from now, so no
# run competes with the calls being timed. Target (issue 4): status median <= 20 ms at 1,000 jobs.
# Only the dbus-daemon and chiefd this script started are ever signalled, by their PIDs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bindir=${1:-$root/build/release}
runs=${2:-50}
jobs=${3:-1000}
warmup=3

# A binary in BINDIR itself or in its build-tree subdirectory.
find_binary() {
    local name=$1 sub=$2
    if [[ -x $bindir/$name ]]; then echo "$bindir/$name"
    elif [[ -x $bindir/$sub/$name ]]; then echo "$bindir/$sub/$name"
    else echo "bus_status_bench: no $name in $bindir or $bindir/$sub (build the release preset first)" >&2; exit 2
    fi
}
chiefd=$(find_binary chiefd daemon)
chiefctl=$(find_binary chiefctl ctl)
for tool in dbus-daemon busctl; do
    command -v "$tool" >/dev/null || { echo "bus_status_bench: $tool is not installed" >&2; exit 2; }
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bus_status_bench: RUNS must be a whole number >= 1" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/chief-bus-bench.XXXXXX")
bus_pid=""
chiefd_pid=""

# Ends what this script started (chiefd first, so it leaves the bus cleanly), then the files.
stop_pid() {
    local pid=$1 i
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    stop_pid "$chiefd_pid"
    stop_pid "$bus_pid"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits (at most 30 s) until `check` succeeds; fails early if process `pid` has exited.
wait_for() {
    local what=$1 pid=$2 check=$3 deadline=$((SECONDS + 30))
    until eval "$check"; do
        if ! kill -0 "$pid" 2>/dev/null; then echo "bus_status_bench: $what: the process exited" >&2; return 1; fi
        if ((SECONDS >= deadline)); then echo "bus_status_bench: $what: timed out" >&2; return 1; fi
        sleep 0.02
    done
}

# A session-type bus of our own: a socket in the work directory, EXTERNAL authentication and a
# policy that lets this user own and call anything (like tests/support/private_bus.h).
cat > "$work/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$work/bus.sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
# dbus-daemon prints its address once it accepts connections: that line is the readiness signal.
dbus-daemon --config-file="$work/bus.conf" --nofork --print-address=1 >"$work/bus.address" 2>"$work/bus.err" &
bus_pid=$!
wait_for "dbus-daemon" "$bus_pid" '[[ -s $work/bus.address ]] && [[ $(wc -l < "$work/bus.address") -ge 1 ]]' || {
    cat "$work/bus.err" >&2; exit 1; }
export DBUS_SESSION_BUS_ADDRESS
DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$work/bus.address")

config=$(bash "$root/bench/gen_config.sh" "$work/config" "$jobs" quiet)

start_ns=$(date +%s%N)
"$chiefd" --user --config "$config" --state-dir "$work/state" --log-target console \
    >"$work/chiefd.out" 2>"$work/chiefd.err" &
chiefd_pid=$!
# chiefd registers its objects before it takes the name: once the name has an owner, it answers.
wait_for "chiefd taking org.chief.Scheduler1" "$chiefd_pid" \
    'busctl --user status org.chief.Scheduler1 >/dev/null 2>&1' || { tail -n 20 "$work/chiefd.err" >&2; exit 1; }
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))

# Microseconds now, without a fork where bash has $EPOCHREALTIME (bash 5).
now_us() {
    if [[ -n ${EPOCHREALTIME:-} ]]; then local t=${EPOCHREALTIME/[.,]/}; echo "$((10#$t))"
    else echo $(( $(date +%s%N) / 1000 )); fi
}

# Runs `chiefctl --user ARGS` WARMUP + RUNS times; prints "median p90 min max" in ms.
time_command() {
    local i t0 t1 samples=()
    for ((i = 0; i < warmup + runs; i++)); do
        t0=$(now_us)
        if ! "$chiefctl" --user "$@" >/dev/null 2>"$work/ctl.err"; then
            echo "bus_status_bench: chiefctl $* failed:" >&2; cat "$work/ctl.err" >&2; return 1
        fi
        t1=$(now_us)
        ((i >= warmup)) && samples+=($((t1 - t0)))
    done
    printf '%s\n' "${samples[@]}" | sort -n | awk '
        { v[NR] = $1 }
        END {
            n = NR
            median = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
            p = int(0.9 * n + 0.999999); if (p < 1) p = 1    # nearest rank
            printf "%.2f %.2f %.2f %.2f\n", median / 1000, v[p] / 1000, v[1] / 1000, v[n] / 1000
        }'
}

# Times one command and prints its line; leaves its median in $median.
report() {
    local label=$1 stats p90 min max
    shift
    stats=$(time_command "$@") || exit 1
    read -r median p90 min max <<<"$stats"
    printf '%-28s median %8s ms   p90 %8s ms   min %8s ms   max %8s ms\n' "$label" "$median" "$p90" "$min" "$max"
}

echo "chiefctl over D-Bus against chiefd --user on a private dbus-daemon"
echo "binaries:  $chiefd, $chiefctl ($("$chiefctl" --version))"
echo "config:    $jobs jobs ($(wc -l <"$config") lines, quiet: nothing due during the run)"
echo "machine:   $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "chiefd:    owned the name ${ready_ms} ms after it was started"
echo "timing:    $runs calls per command after $warmup warm-up calls; wall time of the whole chiefctl process"
echo
report "chiefctl status" status
status_median=$median
report "chiefctl preview --count 5" preview --count 5
echo
if awk -v m="$status_median" 'BEGIN { exit !(m <= 20) }'; then
    echo "target (status median <= 20 ms with 1,000 jobs): met, $status_median ms at $jobs jobs"
else
    echo "target (status median <= 20 ms with 1,000 jobs): NOT met, $status_median ms at $jobs jobs"
fi
