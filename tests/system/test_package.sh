#!/usr/bin/env bash
# System test: the real .deb under a real systemd, used the way an operator would.
# Builds the packages (or takes them from $CHIEF_DIST), boots a Debian 12 container with
# systemd-nspawn, installs the .deb with apt (so its Depends come from the mirror), then checks
# enable/status/preview/run/journal/reload/restart/kill -9/access/upgrade/purge.
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
# Polls a condition inside the container every 0.2 s, up to N seconds.
wait_ct() {  # wait_ct SECONDS DESCRIPTION SNIPPET
  local seconds=$1 what=$2 snippet=$3 i
  for ((i = 0; i < seconds * 5; i++)); do
    if sh_ct "$snippet" >/dev/null 2>&1; then
      echo "ok: $what" >&2
      return 0
    fi
    sleep 0.2
  done
  fail "timed out waiting for: $what"
}

cleanup() {
  local rc=$?
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
for f in /usr/sbin/chiefd /usr/bin/chiefctl /etc/chief/chief.yaml chiefd.service org.chief.Scheduler1.conf chiefd.8; do
  grep -q "$f" "$tmp/rpm-files.txt" || fail ".rpm lacks $f"
done
rpm -qp --scripts "$rpm_file" | grep -q "systemctl" || fail ".rpm has no systemd scriptlets"

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

log "apt install ./chief.deb"
sh_ct 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /root/chief.deb' ||
  fail "apt install of the .deb failed"
wait_ct 30 "chiefd is active after install (enabled and started by the package)" 'systemctl is-active chiefd'
expect_status 0 "chiefd is enabled" -- in_ct systemctl is-enabled chiefd
expect_status 0 "systemd-analyze verify chiefd.service" -- in_ct systemd-analyze verify chiefd.service
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
expect_status 0 "chiefctl run --job hello" -- in_ct chiefctl run --job hello
expect_status 1 "chiefctl run --job broken" -- in_ct chiefctl run --job broken
wait_ct 10 "journalctl -u chiefd CHIEF_JOB=hello shows the script's output" \
  'journalctl -u chiefd CHIEF_JOB=hello --no-pager | grep -q "hello from hello run"'
wait_ct 10 "the failing script's stderr is in the journal at warning priority" \
  'journalctl -u chiefd CHIEF_JOB=broken -p warning --no-pager | grep -q "about to fail"'

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

log "upgrade keeps the edited config and restarts the service"
old_pid=$(sh_ct 'systemctl show -p MainPID --value chiefd')
sh_ct 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Options::=--force-confold /root/chief-upgrade.deb' ||
  fail "upgrade failed"
sh_ct 'grep -q "edited by the system test" /etc/chief/chief.yaml' || fail "the upgrade replaced the edited config"
wait_ct 30 "chiefd restarted by the upgrade" "test \"\$(systemctl show -p MainPID --value chiefd)\" != $old_pid && systemctl is-active chiefd"
sh_ct 'chiefctl history hello' | grep -q succeeded || fail "history lost across the upgrade"

log "remove keeps state; purge deletes it"
sh_ct 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq chief'
sh_ct 'test -d /var/lib/chief/runs' || fail "remove deleted /var/lib/chief"
sh_ct 'test -f /etc/chief/chief.yaml' || fail "remove deleted the config"
sh_ct 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq chief'
sh_ct '! test -e /var/lib/chief' || fail "purge kept /var/lib/chief"
sh_ct '! test -e /etc/chief/chief.yaml' || fail "purge kept /etc/chief/chief.yaml"

log "system test passed"
cp "$tmp/security.txt" "$top/build/systemd-analyze-security.txt" 2>/dev/null || true
