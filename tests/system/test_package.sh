#!/usr/bin/env bash
# System test: the real .deb under a real systemd, used the way an operator would.
# Builds the packages (or takes them from $CHIEF_DIST), boots a Debian 12 container with
# systemd-nspawn, installs the .deb with apt (so its Depends come from the mirror), then checks
# enable/status/preview/run/journal/reload/restart/kill -9/access, exported lines under Debian's
# cron, a per-user chiefd under systemctl --user, upgrade and purge. See docs/testing.md.
# Run as root: bash tests/system/test_package.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD

# shellcheck source=tests/system/container.sh
source tests/system/container.sh

log() { printf '\n== %s\n' "$*" >&2; }
fail() {
  printf '\nFAIL: %s\n' "$*" >&2
  exit 1
}
# Runs a command in the container; prints its output; returns its status.
in_ct() { chief_container_exec "$@"; }
# Runs a shell snippet in the container.
sh_ct() { chief_container_exec sh -c "$1"; }
expect_status() {  # expect_status WANT DESCRIPTION -- CMD...
  local want=$1 what=$2
  shift 3
  local got=0
  "$@" || got=$?
  [[ $got -eq $want ]] || fail "$what: exit status $got, expected $want"
  echo "ok: $what (exit $got)" >&2
}
# Polls a condition inside the container every 0.2 s until a deadline N seconds away.
wait_ct() {  # wait_ct SECONDS DESCRIPTION SNIPPET
  local seconds=$1 what=$2 snippet=$3 deadline
  deadline=$(($(date +%s) + seconds))
  while :; do
    if sh_ct "$snippet" >/dev/null 2>&1; then
      echo "ok: $what" >&2
      return 0
    fi
    (($(date +%s) < deadline)) || break
    sleep 0.2
  done
  fail "timed out after ${seconds}s waiting for: $what"
}

cleanup() {
  local rc=$?
  if ((rc != 0)); then
    # What chiefd and the monitor last said, so a CI failure can be read without a rerun.
    printf '\n== last journal lines of chiefd and chief-monitord\n' >&2
    chief_container_exec journalctl -u chiefd -u chief-monitord -n 60 --no-pager >&2 2>/dev/null || true
  fi
  chief_container_stop || true
  [[ -n "${tmp:-}" ]] && rm -rf "$tmp"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tmp=$(mktemp -d)
if [[ -n "${CHIEF_DIST:-}" ]]; then
  dist=$CHIEF_DIST
else
  log "building the packages"
  dist="$tmp/dist"
  bash packaging/build-packages.sh "$dist"
fi
deb=$(ls "$dist"/chief_*_amd64.deb | head -n1)
[[ -f $deb ]] || fail "no .deb in $dist"

log "inspecting the .rpm"
rpm_file=$(ls "$dist"/chief-*.rpm | head -n1)
rpm -qlp "$rpm_file" | tee "$tmp/rpm-files.txt" >&2
for f in /usr/sbin/chiefd /usr/bin/chiefctl /etc/chief/chief.yaml chiefd.service org.chief.Scheduler1.conf chiefd.8 \
  /usr/sbin/chief-monitord /etc/chief/monitor.yaml chief-monitord.service chief-monitord.conf chief-monitord.8; do
  grep -q "$f" "$tmp/rpm-files.txt" || fail ".rpm lacks $f"
done
rpm -qp --scripts "$rpm_file" | tee "$tmp/rpm-scripts.txt" | grep -q "systemctl" || fail ".rpm has no systemd scriptlets"

log "both packages ship the per-user unit; neither enables it for every user"
grep -qx /usr/lib/systemd/user/chiefd.service "$tmp/rpm-files.txt" || fail ".rpm lacks /usr/lib/systemd/user/chiefd.service"
dpkg-deb -c "$deb" >"$tmp/deb-files.txt"   # to a file: grep -q would cut the pipe (pipefail)
grep -q ' \./usr/lib/systemd/user/chiefd\.service$' "$tmp/deb-files.txt" || fail ".deb lacks /usr/lib/systemd/user/chiefd.service"
echo "ok: /usr/lib/systemd/user/chiefd.service in the .deb and the .rpm" >&2
# %systemd_user_post would run `systemctl --global preset`, enabling it for every user.
grep -q -- '--global' "$tmp/rpm-scripts.txt" && fail ".rpm scriptlets touch user units globally (systemctl --global)"
dpkg-deb -e "$deb" "$tmp/deb-control"
grep -rq -e '--global' -e '--user' "$tmp/deb-control" && fail ".deb maintainer scripts touch user units"
echo "ok: no maintainer script enables or presets the user unit" >&2

log "an upgrade package: the same files with a newer version"
mkdir -p "$tmp/repack"
dpkg-deb -R "$deb" "$tmp/repack/tree"
version=$(sed -n 's/^Version: //p' "$tmp/repack/tree/DEBIAN/control")
sed -i "s/^Version: .*/Version: ${version}+systest1/" "$tmp/repack/tree/DEBIAN/control"
upgrade_deb="$tmp/chief_${version}+systest1_amd64.deb"
dpkg-deb -b "$tmp/repack/tree" "$upgrade_deb" >/dev/null

log "container"
chief_rootfs_ensure >/dev/null
chief_container_boot chief-systest "$CHIEF_ROOTFS"
chief_container_copy_in "$deb" /root/chief.deb
chief_container_copy_in "$upgrade_deb" /root/chief-upgrade.deb

# A definite system zone, other than the Kolkata job's below and with DST (nspawn --timezone=auto
# copied the host's, usually UTC). Set before chiefd and cron start: both read it at start.
expect_status 0 "timedatectl set-timezone Europe/Berlin" -- in_ct timedatectl set-timezone Europe/Berlin
sh_ct 'echo Europe/Berlin > /etc/timezone'

log "apt install ./chief.deb"
sh_ct 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /root/chief.deb' ||
  fail "apt install of the .deb failed"
wait_ct 30 "chiefd is active after install (enabled and started by the package)" 'systemctl is-active chiefd'
expect_status 0 "chiefd is enabled" -- in_ct systemctl is-enabled chiefd
expect_status 0 "systemd-analyze verify chiefd.service" -- in_ct systemd-analyze verify chiefd.service
sh_ct 'test -f /usr/lib/systemd/user/chiefd.service && dpkg -S /usr/lib/systemd/user/chiefd.service' >&2 ||
  fail "the installed package does not own /usr/lib/systemd/user/chiefd.service"
# Installed, not enabled: no user gets a per-user chiefd unless they enable it themselves.
sh_ct 'test -z "$(ls -A /etc/systemd/user/default.target.wants 2>/dev/null)"' ||
  fail "the package enabled the user unit for every user: $(sh_ct 'ls -l /etc/systemd/user/default.target.wants')"
global=$(sh_ct 'systemctl --global is-enabled chiefd.service' || true)
[[ $global == disabled ]] || fail "systemctl --global is-enabled chiefd.service says '$global', expected disabled"
echo "ok: the user unit is installed and enabled for nobody (/etc/systemd/user/default.target.wants empty)" >&2
# Jobs share the host's /tmp as cron jobs do; each unit's hardening notes are installed where it says.
privtmp=$(sh_ct 'systemctl show -p PrivateTmp --value chiefd')
[[ $privtmp == no ]] || fail "chiefd runs jobs with PrivateTmp=$privtmp; jobs must share /tmp"
sh_ct 'test -s /usr/share/doc/chief/chiefd-hardening.txt && test -s /usr/share/doc/chief/chief-monitord-hardening.txt' ||
  fail "the hardening notes the units point to are not installed under /usr/share/doc/chief"
echo "ok: PrivateTmp=no for chiefd; hardening notes installed" >&2
in_ct systemd-analyze security --no-pager chiefd.service >"$tmp/security.txt" 2>&1 || true
tail -n 3 "$tmp/security.txt" >&2
getent_ok=0
sh_ct 'getent group chief' >/dev/null || getent_ok=$?
[[ $getent_ok -eq 0 ]] || fail "the chief group was not created (sysusers)"
perms=$(sh_ct 'stat -c %a:%U:%G /etc/chief/chief.yaml')
[[ $perms == "640:root:chief" ]] || fail "/etc/chief/chief.yaml is $perms, expected 640:root:chief (it may hold an API key)"

log "chiefctl against the packaged daemon"
expect_status 0 "chiefctl status" -- in_ct chiefctl status
expect_status 0 "chiefctl preview" -- in_ct chiefctl preview
expect_status 0 "systemctl enable --now chiefd (already on)" -- in_ct systemctl enable --now chiefd

log "chief-monitord: enabled, sandboxed, answering"
# An HTTP client in the container without curl: bash's /dev/tcp (the container's sh is dash).
# Prints the response body.
http_ct() {  # http_ct METHOD PATH [BODY]
  in_ct bash -c 'exec 3<>/dev/tcp/127.0.0.1/7410 || exit 1
printf "%s %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s" "$1" "$2" "${#3}" "$3" >&3
sed "1,/^\r\$/d" <&3' http_ct "$1" "$2" "${3:-}"
}
wait_ct 30 "chief-monitord is active after install" 'systemctl is-active chief-monitord'
expect_status 0 "systemctl enable --now chief-monitord" -- in_ct systemctl enable --now chief-monitord
expect_status 0 "chief-monitord is enabled" -- in_ct systemctl is-enabled chief-monitord
expect_status 0 "systemd-analyze verify chief-monitord.service" -- in_ct systemd-analyze verify chief-monitord.service
in_ct systemd-analyze security --no-pager chief-monitord.service >"$tmp/monitor-security.txt" 2>&1 || true
tail -n 1 "$tmp/monitor-security.txt" >&2
exposure=$(sed -n 's/.*Overall exposure level for chief-monitord.service: \([0-9.]*\).*/\1/p' "$tmp/monitor-security.txt")
[[ -n $exposure ]] && awk -v e="$exposure" 'BEGIN { exit !(e <= 2.5) }' ||
  fail "chief-monitord's systemd-analyze security exposure is '$exposure', more than 2.5"
echo "ok: chief-monitord exposure $exposure (at most 2.5)" >&2
sh_ct 'getent passwd chief-monitor' >/dev/null || fail "the chief-monitor user was not created (sysusers)"
sh_ct 'test "$(stat -c %U /var/lib/chief-monitor)" = chief-monitor' || fail "/var/lib/chief-monitor is not chief-monitor's"
sh_ct 'ps -o user= -p "$(systemctl show -p MainPID --value chief-monitord)" | grep -q chief-monitor' ||
  fail "chief-monitord does not run as chief-monitor"
wait_ct 10 "chief-monitord accepts connections" 'bash -c "exec 3<>/dev/tcp/127.0.0.1/7410"'
http_ct GET /v1/health | grep -q '"ok":true' || fail "no health answer from chief-monitord"
sh_ct 'test -f /var/lib/chief-monitor/monitor.sqlite' || fail "no store in the state directory"

log "chiefctl emit sends through the installed helper"
sh_ct 'test -x /usr/libexec/chief/chief-emit' || fail "the package lacks /usr/libexec/chief/chief-emit"
expect_status 0 "chiefctl emit --strict into the monitor" -- \
  in_ct env CHIEF_MONITOR_ENDPOINT=http://127.0.0.1:7410 CHIEF_JOB_NAME=systest-emit \
  chiefctl emit --strict info "emitted by the system test"
http_ct GET '/v1/events?jobName=systest-emit' | grep -q "emitted by the system test" ||
  fail "the emitted worker.message is not in the monitor"
echo "ok: the worker.message is in the monitor" >&2

log "a failing job's alert arrives in the monitor"
if sh_ct 'grep -aq "/v1/events/batch" /usr/sbin/chiefd'; then
  # chiefd has its telemetry emitter: point it at the monitor, run the failing job, see the alert.
  sh_ct 'cp /etc/chief/chief.yaml /root/chief.yaml.before-monitor'
  echo "chiefd has an emitter: the alert comes from a real run (after the config edit below)" >&2
  chiefd_emits=1
else
  # Until chiefd's emitter exists (a later issue), send what it will send for a failed run.
  echo "chiefd has no telemetry emitter yet: posting the events it will send" >&2
  http_ct POST /v1/events/batch '[{"sourceType":"chief","eventType":"job.started","level":"INFO","message":"Job broken started","jobName":"broken","runId":"systest-1","host":"systest","eventId":"systest-1"},{"sourceType":"chief","eventType":"job.failed","level":"ERROR","message":"Job broken failed","jobName":"broken","runId":"systest-1","success":false,"returnCode":3,"durationMs":12,"host":"systest","eventId":"systest-2"}]' |
    grep -q '"inserted":2' || fail "the monitor did not take the events"
  http_ct GET '/v1/alerts?status=OPEN&alertType=FAILURE' | grep -q '"jobName":"broken"' || fail "no FAILURE alert for broken"
  wait_ct 10 "the alert is in the journal with its MESSAGE_ID" \
    'journalctl -u chief-monitord MESSAGE_ID=aec37f9f4a3249b1b9da32951bb85461 CHIEF_JOB=broken --no-pager | grep -q "opened"'
  chiefd_emits=0
fi

log "a config edit and systemctl reload add jobs"
sh_ct 'mkdir -p /etc/chief/scripts && cat > /etc/chief/scripts/hello.sh <<EOF
#!/bin/sh
echo "hello from \$CHIEF_JOB_NAME run \$CHIEF_RUN_ID"
EOF
cat > /etc/chief/scripts/fail.sh <<EOF
#!/bin/sh
echo "about to fail" >&2
exit 3
EOF
cat > /etc/chief/scripts/long.sh <<EOF
#!/bin/sh
echo \$\$ > /run/chief-long.pid
sh -c "trap \"\" TERM; echo \\\$\\\$ > /run/chief-long-child.pid; while :; do sleep 1; done" &
while :; do sleep 1; done
EOF
chmod +x /etc/chief/scripts/*.sh
cat > /etc/chief/chief.yaml <<EOF
# edited by the system test
version: 1
jobs:
  - name: hello
    schedule: {frequency: yearly, month: 1, day_of_month: 1, time: "00:00"}
    scripts: [{path: scripts/hello.sh}]
  - name: broken
    schedule: {frequency: yearly, month: 1, day_of_month: 1, time: "00:00"}
    scripts: [{path: scripts/fail.sh}]
  - name: long
    kill_grace_seconds: 2
    schedule: {frequency: yearly, month: 1, day_of_month: 1, time: "00:00"}
    scripts: [{path: scripts/long.sh, timeout: 3000}]
EOF'
expect_status 0 "systemctl reload chiefd (valid config)" -- in_ct systemctl reload chiefd
sh_ct 'chiefctl list' | grep -q hello || fail "chiefctl list does not show the new job"

log "runs and their exit statuses"
if [[ $chiefd_emits -eq 1 ]]; then
  # Before jobs:, not appended: later steps append jobs to the end of the jobs list.
  sh_ct 'sed -i "s|^jobs:|monitor:\n  enabled: true\n  endpoint: http://127.0.0.1:7410\njobs:|" /etc/chief/chief.yaml'
  sh_ct 'tail -n 1 /etc/chief/chief.yaml | grep -q "scripts:"' || fail "the jobs list no longer ends the config"
  expect_status 0 "systemctl reload chiefd (monitor enabled)" -- in_ct systemctl reload chiefd
fi
expect_status 0 "chiefctl run --job hello" -- in_ct chiefctl run --job hello
expect_status 1 "chiefctl run --job broken" -- in_ct chiefctl run --job broken

log "chiefctl list as list-timers, pause and resume (issue 14)"
out=$(sh_ct 'chiefctl list --no-pager') || fail "chiefctl list failed"
grep -Eq '^NEXT +LEFT +LAST +PASSED +RESULT +JOB +SCHEDULE' <<<"$out" || fail "chiefctl list lacks its header: $out"
grep -Eq ' succeeded +hello ' <<<"$out" || fail "chiefctl list does not show hello's last result: $out"
grep -Eq ' failed +broken ' <<<"$out" || fail "chiefctl list does not show broken's last result: $out"
expect_status 0 "chiefctl pause hello" -- in_ct chiefctl pause hello
sh_ct 'chiefctl list' | grep -Eq 'paused +hello ' || fail "chiefctl list does not say hello is paused"
sh_ct 'test -f /var/lib/chief/paused-jobs && grep -qx hello /var/lib/chief/paused-jobs' ||
  fail "the pause is not kept in /var/lib/chief/paused-jobs"
expect_status 2 "a paused job: chiefctl run --job hello is refused" -- in_ct chiefctl run --job hello
expect_status 0 "chiefctl run --job hello --force runs it anyway" -- in_ct chiefctl run --job hello --force
expect_status 0 "chiefctl resume hello" -- in_ct chiefctl resume hello
if [[ $chiefd_emits -eq 1 ]]; then
  for _ in $(seq 1 150); do
    http_ct GET '/v1/alerts?status=OPEN&alertType=FAILURE' | grep -q '"jobName":"broken"' && break
    sleep 0.2
  done
  http_ct GET '/v1/alerts?status=OPEN&alertType=FAILURE' | grep -q '"jobName":"broken"' ||
    fail "chiefd's FAILURE for broken did not arrive in the monitor"
  echo "ok: chiefd's FAILURE for broken arrived in the monitor" >&2
fi
wait_ct 10 "journalctl -u chiefd CHIEF_JOB=hello shows the script's output" \
  'journalctl -u chiefd CHIEF_JOB=hello --no-pager | grep -q "hello from hello run"'
wait_ct 10 "the failing script's stderr is in the journal at warning priority" \
  'journalctl -u chiefd CHIEF_JOB=broken -p warning --no-pager | grep -q "about to fail"'

log "chiefctl logs of a run and of a job, from the journal (issue 14)"
run_id=$(sh_ct 'chiefctl history hello --json --limit 1 --no-pager' | sed -n 's/.*"run_id": *"\([^"]*\)".*/\1/p' | head -n 1)
[[ -n $run_id ]] || fail "chiefctl history hello --json names no run"
wait_ct 10 "chiefctl logs RUN_ID shows that run's output, from the journal (no note about a fallback)" \
  "chiefctl logs $run_id --no-pager 2>/tmp/logs.err | grep -q 'hello from hello run $run_id' && ! test -s /tmp/logs.err"
out=$(sh_ct "chiefctl logs $run_id --no-pager") || fail "chiefctl logs $run_id failed"
grep -Eq "chiefd\[[0-9]+\]: hello: run $run_id started" <<<"$out" || fail "chiefctl logs $run_id lacks the start: $out"
grep -Eq "chiefd\[[0-9]+\]: hello: run $run_id succeeded" <<<"$out" || fail "chiefctl logs $run_id lacks the end: $out"
out=$(sh_ct 'chiefctl logs broken -n 3 --no-pager') || fail "chiefctl logs broken -n 3 failed"
[[ $(wc -l <<<"$out") -eq 3 ]] || fail "chiefctl logs broken -n 3 printed other than 3 lines: $out"
sh_ct 'chiefctl logs broken --no-pager' | grep -Eq 'broken\[[0-9]+\]: about to fail' ||
  fail "chiefctl logs broken does not show the script's stderr"
sh_ct 'chiefctl logs broken --json --no-pager' | grep -q '"message":"about to fail"' ||
  fail "chiefctl logs broken --json does not carry the script's line"
# -f prints the newest entry and goes on waiting: timeout ends it (status 124), not chiefctl.
sh_ct 'timeout 3 chiefctl logs hello -f -n 1 >/tmp/follow.out; test $? -eq 124 && test "$(wc -l </tmp/follow.out)" -eq 1' ||
  fail "chiefctl logs -f -n 1 did not print one entry and keep waiting"
echo "ok: chiefctl logs RUN_ID, JOB, -n, --json and -f against the installed chiefd's journal" >&2

log "an exported systemd timer fires and runs its job through chiefd --once"
sh_ct 'cat > /etc/chief/tick.yaml <<EOF
version: 1
jobs:
  - name: tick
    schedule: {frequency: interval, every: 1m}
    scripts: [{path: /bin/sh, args: ["-c", "echo tick from \$CHIEF_JOB_NAME run \$CHIEF_RUN_ID"]}]
EOF'
expect_status 0 "chiefctl export-systemd into /etc/systemd/system" -- \
  in_ct chiefctl --config /etc/chief/tick.yaml export-systemd --output /etc/systemd/system
sh_ct 'grep -q "^ExecStart=/usr/sbin/chiefd --once --config /etc/chief/tick.yaml --job tick" /etc/systemd/system/chief-tick.service' ||
  fail "the exported service does not call the installed chiefd: $(sh_ct 'cat /etc/systemd/system/chief-tick.service')"
expect_status 0 "systemd-analyze verify the exported units" -- \
  in_ct systemd-analyze verify /etc/systemd/system/chief-tick.timer /etc/systemd/system/chief-tick.service
sh_ct 'systemctl daemon-reload && systemctl start chief-tick.timer' || fail "the exported timer did not start"
# It elapses at the next minute boundary (AccuracySec=1s): within 61 s, plus the run.
wait_ct 90 "the timer ran the job: its output is in the service's journal" \
  'journalctl -u chief-tick.service --no-pager | grep -q "tick from tick run "'
result=$(sh_ct 'systemctl show -p Result --value chief-tick.service')
[[ $result == success ]] || fail "the exported service ended with Result=$result"
echo "ok: the exported timer fired and chiefd --once ran the job (Result=$result)" >&2
sh_ct 'systemctl stop chief-tick.timer; rm -f /etc/systemd/system/chief-tick.timer /etc/systemd/system/chief-tick.service /etc/chief/tick.yaml; systemctl daemon-reload'

log "an invalid edit is refused; the old jobs still run"
sh_ct 'cp /etc/chief/chief.yaml /root/chief.yaml.good && printf "  - name: bad\n    schedule: {frequency: daily, time: \"25:00\"}\n    scripts: [{path: scripts/hello.sh}]\n" >> /etc/chief/chief.yaml'
expect_status 1 "systemctl reload chiefd (invalid config) fails" -- in_ct systemctl reload chiefd
wait_ct 10 "the refusal is in the journal with its position" \
  'journalctl -u chiefd --no-pager | grep -q "invalid time \"25:00\""'
expect_status 0 "chiefd still active" -- in_ct systemctl is-active chiefd
expect_status 0 "old job still runs" -- in_ct chiefctl run --job hello
sh_ct 'cp /root/chief.yaml.good /etc/chief/chief.yaml'

log "systemctl restart keeps run history"
sh_ct 'chiefctl history hello' | grep -q succeeded || fail "history lacks the hello run"
expect_status 0 "systemctl restart chiefd" -- in_ct systemctl restart chiefd
wait_ct 30 "chiefd active again" 'systemctl is-active chiefd'
sh_ct 'chiefctl history hello' | grep -q succeeded || fail "history lost across a restart"

log "kill -9 of chiefd during a run leaves no orphan, and systemd brings it back"
expect_status 0 "start the long job without waiting" -- in_ct chiefctl run --job long --no-wait
wait_ct 15 "the long job's script and its SIGTERM-ignoring child run" \
  'test -s /run/chief-long.pid && test -s /run/chief-long-child.pid'
old_pid=$(sh_ct 'systemctl show -p MainPID --value chiefd')
sh_ct 'kill -9 $(systemctl show -p MainPID --value chiefd)'
wait_ct 30 "systemd restarted chiefd" "test \"\$(systemctl show -p MainPID --value chiefd)\" != $old_pid && systemctl is-active chiefd"
wait_ct 20 "the script and its child are gone" \
  '! kill -0 $(cat /run/chief-long.pid) 2>/dev/null && ! kill -0 $(cat /run/chief-long-child.pid) 2>/dev/null'
sh_ct 'chiefctl history long' | grep -q interrupted || fail "the run cut short by kill -9 is not in the history as interrupted"

log "an invalid config at start fails the unit at once instead of restarting it forever"
sh_ct 'cp /etc/chief/chief.yaml /root/chief.yaml.good && echo "jobs: []" > /etc/chief/chief.yaml'
sh_ct 'systemctl restart chiefd' && fail "systemctl restart with an invalid config succeeded"
# "failed", not "activating (auto-restart)": systemd has given up on it for good.
wait_ct 10 "chiefd failed" 'test "$(systemctl is-active chiefd)" = failed'
# A manual start or restart flushes NRestarts (the kill -9 above left it at 1), so any
# automatic restart after this `systemctl restart` would show here as a non-zero count.
restarts=$(sh_ct 'systemctl show -p NRestarts --value chiefd')
[[ $restarts -eq 0 ]] || fail "chiefd was restarted $restarts times with an invalid config"
# journald may store chiefd's last lines a moment after systemd has marked the unit failed.
wait_ct 10 "systemctl status shows why chiefd failed" \
  'systemctl status chiefd --no-pager -l | grep -q "\"jobs\" must not be empty"'
sh_ct 'cp /root/chief.yaml.good /etc/chief/chief.yaml && systemctl reset-failed chiefd && systemctl start chiefd'
wait_ct 30 "chiefd active again with the valid config" 'systemctl is-active chiefd'

log "a non-root user may read but not run"
sh_ct 'useradd --no-create-home tester'
expect_status 0 "non-root chiefctl status" -- in_ct runuser -u tester -- chiefctl status
expect_status 4 "non-root chiefctl run is refused" -- in_ct runuser -u tester -- chiefctl run --job hello
sh_ct 'usermod -aG chief tester'
expect_status 0 "a member of the chief group may run" -- in_ct runuser -u tester -- chiefctl run --job hello

log "exported cron lines run under Debian's cron, in the system's zone and in Asia/Kolkata"
# Debian's cron (3.0pl1) ignores CRON_TZ= and reads every line in the system's zone (Europe/Berlin
# here). Two jobs: cron-local in the system's zone, every minute; cron-kolkata in Asia/Kolkata
# (30 minutes off any whole-hour offset from Berlin) at three given minutes: the Kolkata minutes of
# the next three minute boundaries. A job that fires every minute would run right even from a
# CRON_TZ= line; one that fires at given Kolkata minutes only runs if the line was written for the
# system's zone and shifted by the half hour, so it is the one that shows chief.py's failure is gone.
sh_ct 'apt-get install -y -qq cron libpam-systemd dbus-user-session >/dev/null' ||
  fail "apt install of cron, libpam-systemd and dbus-user-session failed"
wait_ct 30 "cron is active (Debian's cron, started by its package)" 'systemctl is-active cron'
sh_ct 'dpkg-query -W cron' >&2
# The first minute boundary at least 15 s away, so the config, the export and /etc/cron.d are in
# place before it (cron re-reads /etc/cron.d at each minute boundary).
now=$(sh_ct 'date +%s')
boundary=$(((now / 60 + 1) * 60))
((boundary - now >= 15)) || boundary=$((boundary + 60))
kolkata_minutes="" kolkata_hours="" due_utc=()
for k in 0 1 2; do
  at=$((boundary + 60 * k))
  m=$(sh_ct "TZ=Asia/Kolkata date -d @$at +%-M")
  h=$(sh_ct "TZ=Asia/Kolkata date -d @$at +%-H")
  kolkata_minutes+=${kolkata_minutes:+,}$m
  [[ ",$kolkata_hours," == *",$h,"* ]] || kolkata_hours+=${kolkata_hours:+,}$h
  due_utc+=("$(date -u -d "@$at" +%Y-%m-%dT%H:%M:00+00:00)")
done
echo "next boundary $(date -u -d "@$boundary" +%FT%TZ) ($((boundary - now)) s away); cron-kolkata: minute $kolkata_minutes of hour $kolkata_hours in Asia/Kolkata" >&2
sh_ct 'cp /etc/chief/chief.yaml /root/chief.yaml.good && cat > /etc/chief/scripts/cron-mark.sh <<EOF
#!/bin/sh
echo "cron-mark: \$CHIEF_JOB_NAME run \$CHIEF_RUN_ID due \$CHIEF_SCHEDULED_FOR"
EOF
chmod +x /etc/chief/scripts/cron-mark.sh'
sh_ct "cat >> /etc/chief/chief.yaml <<EOF
  - name: cron-local
    schedule: {frequency: interval, every: 1m}
    scripts: [{path: scripts/cron-mark.sh}]
  - name: cron-kolkata
    schedule: {frequency: custom, minute: \"$kolkata_minutes\", hour: \"$kolkata_hours\", timezone: Asia/Kolkata}
    scripts: [{path: scripts/cron-mark.sh}]
EOF"
# chiefd runs these jobs too (run ids without a suffix); the cron runs are told apart by the
# -o<pid> suffix of chiefd --once run ids. chiefd must know the jobs for chiefctl history to list them.
expect_status 0 "systemctl reload chiefd (the cron jobs added)" -- in_ct systemctl reload chiefd
sh_ct 'chiefctl --config /etc/chief/chief.yaml export-cron --cron debian' >"$tmp/debian.crontab" ||
  fail "chiefctl export-cron --cron debian failed"
cat "$tmp/debian.crontab" >&2
# (Outputs are captured before grep: `CMD | grep -q` can fail CMD with SIGPIPE under pipefail.)
out=$(sh_ct 'chiefctl --config /etc/chief/chief.yaml export-cron --cron auto --json')
grep -q '"cron_flavor": "debian"' <<<"$out" || fail "offline export-cron --cron auto did not pick debian in a Debian container"
out=$(sh_ct 'chiefctl export-cron --json')
grep -q '"cron_flavor": "debian"' <<<"$out" || fail "chiefd's export-cron (default --cron auto) did not pick debian"
out=$(sh_ct 'chiefctl export-cron --cron debian')
grep -q "system's zone (Europe/Berlin)" <<<"$out" ||
  fail "chiefd's export does not read the lines in the system's zone, Europe/Berlin"
echo "ok: --cron auto is debian here, offline and from chiefd; chiefd's system zone is Europe/Berlin" >&2
grep -q '^CRON_TZ=' "$tmp/debian.crontab" && fail "the Debian export has a CRON_TZ= line (Debian's cron ignores them)"
local_line=$(grep -- '--job cron-local ' "$tmp/debian.crontab")
kolkata_line=$(grep -- '--job cron-kolkata ' "$tmp/debian.crontab")
[[ $local_line == '* * * * * /usr/sbin/chiefd --once --config /etc/chief/chief.yaml --job cron-local --respect-schedule --log-target journal' ]] ||
  fail "unexpected line for cron-local: $local_line"
# An hourly superset in the system's zone, not the job's own hour field read in the wrong zone.
[[ $kolkata_line =~ ^[0-9,-]+\ \*\ \*\ \*\ \*\ /usr/sbin/chiefd\ --once\ .*--job\ cron-kolkata\ --respect-schedule\ --log-target\ journal$ ]] ||
  fail "the Kolkata job's line is not an hourly superset in the system's zone: $kolkata_line"
[[ $(grep -B1 -- '--job cron-kolkata ' "$tmp/debian.crontab") != *CRON_TZ=* ]] ||
  fail "the Kolkata job's exported line is a CRON_TZ= line"
# What chief.py wrote, and `--cron cronie` still writes: Debian's cron would read its hour in Berlin.
out=$(sh_ct 'chiefctl --config /etc/chief/chief.yaml export-cron --cron cronie')
grep -q '^CRON_TZ=Asia/Kolkata$' <<<"$out" || fail "the cronie export lost its CRON_TZ= line"
echo "ok: no CRON_TZ= line for Debian's cron; the Kolkata job has an hourly line in Berlin: ${kolkata_line%% /*}" >&2

# /etc/cron.d takes a user column that a user crontab (what export-cron prints) has not:
# insert it after the five time fields of every line that is neither a comment nor blank.
sh_ct "sed -E '/^[[:space:]]*(#|\$)/! s/^(([^[:space:]]+[[:space:]]+){5})/\\1root /' > /etc/cron.d/chief-systest" <"$tmp/debian.crontab"
sh_ct 'chmod 0644 /etc/cron.d/chief-systest && grep -v "^#" /etc/cron.d/chief-systest | grep .' >&2

# The guard: the Kolkata line fires every hour, so at a minute that is not due chiefd --once skips it.
kolkata_command=$(cut -d' ' -f6- <<<"$kolkata_line")
(($(sh_ct 'date +%s') < boundary - 1)) || fail "the minute boundary passed before the not-due check (a slow machine?)"
expect_status 0 "the Kolkata job's exported command at a minute that is not due" -- sh_ct "$kolkata_command"
wait_ct 10 "chiefd --once logged that cron-kolkata was not due and skipped it" \
  'journalctl CHIEF_JOB=cron-kolkata --no-pager -o cat | grep -q "cron-kolkata: not due at .* (--respect-schedule); skipped"'
out=$(sh_ct 'chiefctl history cron-kolkata')
grep -q -- '-o[0-9]* ' <<<"$out" && fail "a skipped --once run is in the history: $out"

# Wait for cron: the boundary, then a minute's grace for cron's start (it fires at :00-:01).
wait_s=$((boundary - $(sh_ct 'date +%s') + 60))
for job in cron-local cron-kolkata; do
  wait_ct "$wait_s" "cron started chiefd --once for $job at the minute boundary" \
    "journalctl -t CRON --no-pager -o cat | grep -qF 'CMD (/usr/sbin/chiefd --once --config /etc/chief/chief.yaml --job $job '"
  wait_ct 30 "the cron-started run of $job logged its script's output to the journal (CHIEF_JOB=$job)" \
    "journalctl CHIEF_JOB=$job --no-pager -o cat | grep -Eq '^cron-mark: $job run [^ ]+-o[0-9]+ due '"
  line=$(sh_ct "journalctl CHIEF_JOB=$job --no-pager -o cat" | grep -E "^cron-mark: $job run [^ ]+-o[0-9]+ due " | head -n1)
  run_id=$(awk '{print $4}' <<<"$line")
  due=$(awk '{print $6}' <<<"$line")
  # The guard ran it for the minute cron fired it at: one of the three boundaries.
  [[ " ${due_utc[*]} " == *" $due "* ]] || fail "$job ran by cron for $due, expected one of ${due_utc[*]}"
  wait_ct 10 "chiefctl history $job (chiefd running) lists the cron run $run_id as succeeded" \
    "chiefctl history $job | grep -Eq '^$run_id +once .* succeeded\$'"
done

# Leave cron and the config as they were for the rest of the test.
sh_ct 'rm -f /etc/cron.d/chief-systest && cp /root/chief.yaml.good /etc/chief/chief.yaml'
expect_status 0 "systemctl reload chiefd (the cron jobs removed)" -- in_ct systemctl reload chiefd

log "a per-user chiefd under systemctl --user"
# libpam-systemd (pam_systemd: logind's session and user@UID.service with XDG_RUNTIME_DIR) and
# dbus-user-session (the user bus at /run/user/UID/bus) came with cron above; without them
# user@UID.service fails ("$XDG_RUNTIME_DIR is not set") and chiefd --user has no bus.
sh_ct 'useradd -m alice'
alice_uid=$(sh_ct 'id -u alice')
alice_env=(env "XDG_RUNTIME_DIR=/run/user/$alice_uid" "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$alice_uid/bus")
as_alice() { in_ct runuser -u alice -- "${alice_env[@]}" "$@"; }
expect_status 0 "loginctl enable-linger alice" -- in_ct loginctl enable-linger alice
wait_ct 30 "alice's user manager (user@$alice_uid.service) is running, with her bus" \
  "systemctl is-active user@$alice_uid.service && systemctl --user -M alice@ is-active dbus.socket && test -S /run/user/$alice_uid/bus"
sh_ct 'mkdir -p /home/alice/.config/chief && cat > /home/alice/.config/chief/mine.sh <<EOF
#!/bin/sh
echo "mine: ran as \$(id -un) in run \$CHIEF_RUN_ID"
EOF
chmod +x /home/alice/.config/chief/mine.sh
cat > /home/alice/.config/chief/chief.yaml <<EOF
version: 1
jobs:
  - name: mine
    schedule: {frequency: yearly, month: 1, day_of_month: 1, time: "00:00"}
    scripts: [{path: mine.sh}]
EOF
chown -R alice:alice /home/alice/.config'
out=$(as_alice systemd-analyze --user verify chiefd.service 2>&1) || fail "systemd-analyze --user verify chiefd.service: $out"
[[ -z $out ]] || fail "systemd-analyze --user verify chiefd.service warns: $out"
echo "ok: systemd-analyze --user verify chiefd.service (no output)" >&2
expect_status 0 "as alice: systemctl --user enable --now chiefd" -- as_alice systemctl --user enable --now chiefd
wait_ct 30 "alice's chiefd is active" 'systemctl --user -M alice@ is-active chiefd'
wait_ct 10 "alice's chiefd logged that it runs ~alice/.config/chief/chief.yaml" \
  'journalctl --no-pager -o cat _SYSTEMD_USER_UNIT=chiefd.service | grep -q "from /home/alice/.config/chief/chief.yaml"'

# The system chiefd is up: chiefctl without --user asks it, and it refuses alice (not in chief).
expect_status 4 "as alice, system chiefd running: chiefctl run (asks the system chiefd, refused)" -- as_alice chiefctl run --job mine
expect_status 0 "as alice, system chiefd running: chiefctl --user run --job mine" -- as_alice chiefctl --user run --job mine
# No system chiefd: chiefctl falls back to alice's own bus.
expect_status 0 "systemctl stop chiefd (the system one)" -- in_ct systemctl stop chiefd
as_alice chiefctl run --job mine >"$tmp/alice-run.txt" 2>&1 || fail "as alice, no system chiefd: chiefctl run --job mine: $(cat "$tmp/alice-run.txt")"
cat "$tmp/alice-run.txt" >&2
alice_run=$(sed -n 's/^Run \([^ ]*\) of mine started.*/\1/p' "$tmp/alice-run.txt")
[[ -n $alice_run ]] || fail "no run id in chiefctl run's output"
echo "ok: as alice, no system chiefd: chiefctl run --job mine (no --user) ran $alice_run on her chiefd" >&2
wait_ct 10 "the run is in ~alice/.local/state/chief/runs/, owned by alice" \
  "test \"\$(stat -c %U /home/alice/.local/state/chief/runs/mine.json)\" = alice && grep -q '$alice_run' /home/alice/.local/state/chief/runs/mine.json"
wait_ct 10 "the script ran as alice, logged by her chiefd.service" \
  "journalctl --no-pager -o cat _SYSTEMD_USER_UNIT=chiefd.service CHIEF_JOB=mine | grep -q 'mine: ran as alice in run $alice_run'"
out=$(as_alice chiefctl history mine) || fail "as alice: chiefctl history mine failed"
grep -q "^$alice_run .*succeeded" <<<"$out" || fail "alice's chiefctl history lacks $alice_run: $out"

# Another user cannot reach alice's bus at all: /run/user/UID is 0700, and her dbus-daemon admits
# only her uid (it refuses even root). So the refusal is exit 3 (no bus), not chiefd's exit 4;
# chiefd's own check is covered by tests/integration/test_chiefd_user.cpp (see NOTES.md).
sh_ct 'useradd -m bob'
runs_before=$(sh_ct 'grep -o "\"id\"" /home/alice/.local/state/chief/runs/mine.json | wc -l')
expect_status 3 "bob: chiefctl --user run --job mine on alice's bus (unreachable)" -- \
  in_ct runuser -u bob -- env DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$alice_uid/bus chiefctl --user run --job mine
runs_after=$(sh_ct 'grep -o "\"id\"" /home/alice/.local/state/chief/runs/mine.json | wc -l')
[[ $runs_after -eq $runs_before ]] || fail "bob's refused chiefctl run still started a run of alice's job"

expect_status 0 "as alice: systemctl --user disable --now chiefd" -- as_alice systemctl --user disable --now chiefd
expect_status 0 "systemctl start chiefd (the system one again)" -- in_ct systemctl start chiefd
wait_ct 30 "the system chiefd is active again" 'systemctl is-active chiefd'

test "$(sh_ct 'systemctl show -p NRestarts --value chief-monitord')" = 0 ||
  fail "chief-monitord was restarted by systemd (crash or watchdog) before the upgrade"
echo "ok: chief-monitord never restarted (its watchdog was fed all along)" >&2

log "upgrade keeps the edited config and restarts the service"
old_pid=$(sh_ct 'systemctl show -p MainPID --value chiefd')
old_monitor_pid=$(sh_ct 'systemctl show -p MainPID --value chief-monitord')
sh_ct 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Options::=--force-confold /root/chief-upgrade.deb' ||
  fail "upgrade failed"
sh_ct 'grep -q "edited by the system test" /etc/chief/chief.yaml' || fail "the upgrade replaced the edited config"
wait_ct 30 "chiefd restarted by the upgrade" "test \"\$(systemctl show -p MainPID --value chiefd)\" != $old_pid && systemctl is-active chiefd"
sh_ct 'chiefctl history hello' | grep -q succeeded || fail "history lost across the upgrade"
wait_ct 30 "chief-monitord restarted by the upgrade" "test \"\$(systemctl show -p MainPID --value chief-monitord)\" != $old_monitor_pid && systemctl is-active chief-monitord"
http_ct GET '/v1/alerts?jobName=broken' | grep -q '"alertType":"FAILURE"' || fail "the monitor lost its alerts across the upgrade"

log "remove keeps state; purge deletes it"
sh_ct 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq chief'
sh_ct 'test -d /var/lib/chief/runs' || fail "remove deleted /var/lib/chief"
sh_ct 'test -f /etc/chief/chief.yaml' || fail "remove deleted the config"
sh_ct 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq chief'
sh_ct '! test -e /var/lib/chief' || fail "purge kept /var/lib/chief"
sh_ct '! test -e /var/lib/chief-monitor' || fail "purge kept /var/lib/chief-monitor"
sh_ct '! test -e /etc/chief/monitor.yaml' || fail "purge kept /etc/chief/monitor.yaml"
sh_ct '! test -e /etc/chief/chief.yaml' || fail "purge kept /etc/chief/chief.yaml"

log "system test passed"
cp "$tmp/security.txt" "$top/build/systemd-analyze-security.txt" 2>/dev/null || true
cp "$tmp/monitor-security.txt" "$top/build/systemd-analyze-security-chief-monitord.txt" 2>/dev/null || true
