#!/usr/bin/env bash
# tests/system/smoke_container.sh -- proves the system-test container works:
# cached Debian 12 rootfs, systemd boots as PID 1, journald, D-Bus, apt from
# the mirror, and `apt-get install ./pkg.deb` resolving Depends from the mirror.
# Needs root and host packages: debootstrap systemd-container (see NOTES.md).
# Exit 0 on success.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/container.sh
. "$here/container.sh"

[[ $EUID -eq 0 ]] || { echo "smoke_container: must run as root" >&2; exit 1; }

workdir=""
cleanup() {
  local rc=$?
  chief_container_stop || rc=1
  [[ -n "$workdir" ]] && rm -rf -- "$workdir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

passed=0; failed=0
ok()   { passed=$((passed + 1)); echo "ok   - $*" >&2; }
fail() { failed=$((failed + 1)); echo "FAIL - $*" >&2; }

t0=$(date +%s.%N)
root=$(chief_rootfs_ensure "${CHIEF_SYSTEST_ROOTFS:-}")   # empty = default cache path
t_rootfs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')

name=chief-smoke-$$
t0=$(date +%s.%N)
chief_container_boot "$name" "$root"
t_boot=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')

# 1. systemd is up and nothing failed
state=$(chief_container_exec systemctl is-system-running || true)
if [[ "$state" == running ]]; then ok "is-system-running: $state"
else
  fail "is-system-running: $state"
  chief_container_exec systemctl --failed --no-pager >&2 || true
fi

# 2. PID 1 inside is systemd
comm=$(chief_container_exec cat /proc/1/comm)
if [[ "$comm" == systemd ]]; then ok "PID 1 is $comm"; else fail "PID 1 is '$comm'"; fi

# 3. journald works
if out=$(chief_container_exec journalctl -n 5 --no-pager) && [[ -n "$out" ]]; then
  printf '%s\n' "$out" >&2; ok "journalctl -n 5"
else fail "journalctl -n 5"; fi

# 4. system bus is up and systemd is on it
if chief_container_exec busctl list --no-pager | grep -q 'org.freedesktop.systemd1'; then
  ok "busctl sees org.freedesktop.systemd1"
else fail "busctl list lacks org.freedesktop.systemd1"; fi

# 5. DNS + apt from the mirror
if chief_container_exec getent hosts deb.debian.org >/dev/null &&
   chief_container_exec apt-get update -q >/dev/null &&
   chief_container_exec apt-get install -y -q --no-install-recommends hello >/dev/null &&
   [[ "$(chief_container_exec hello)" == "Hello, world!" ]]; then
  ok "apt-get install hello (from mirror)"
else fail "apt-get install hello"; fi

# 6. install a local .deb whose Depends must come from the mirror, with a
#    systemd unit; start the unit and read its output from the journal.
workdir=$(mktemp -d)
pkg=$workdir/pkg
mkdir -p "$pkg/DEBIAN" "$pkg/lib/systemd/system"
cat >"$pkg/DEBIAN/control" <<'CTRL'
Package: chief-smoke-dummy
Version: 0.0.1
Architecture: all
Maintainer: Chief tests <chief@invalid>
Depends: jq, libyaml-cpp0.7, libsystemd0
Description: smoke-test package for the Chief system-test container
CTRL
cat >"$pkg/lib/systemd/system/chief-smoke.service" <<'UNIT'
[Unit]
Description=Chief smoke test unit
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/bin/jq -nr '"smoke-ok"'
UNIT
dpkg-deb --root-owner-group -b "$pkg" "$workdir/chief-smoke-dummy.deb" >/dev/null
chief_container_copy_in "$workdir/chief-smoke-dummy.deb" /tmp/chief-smoke-dummy.deb
if chief_container_exec apt-get install -y -q /tmp/chief-smoke-dummy.deb >/dev/null &&
   chief_container_exec dpkg -s jq >/dev/null &&
   chief_container_exec systemctl daemon-reload &&
   chief_container_exec systemctl start chief-smoke.service &&
   chief_container_exec systemctl is-active -q chief-smoke.service &&
   chief_container_exec journalctl -u chief-smoke.service --no-pager -o cat | grep -qx 'smoke-ok'; then
  ok "apt-get install ./chief-smoke-dummy.deb (Depends: jq from mirror), unit ran"
else
  fail "local .deb install / unit start"
  chief_container_exec systemctl status --no-pager chief-smoke.service >&2 || true
fi

# 7. copy_in of a directory keeps contents and modes
mkdir -p "$workdir/tree/sub"; echo hi >"$workdir/tree/sub/f"; chmod 0750 "$workdir/tree/sub/f"
chief_container_copy_in "$workdir/tree" /opt/tree
if [[ "$(chief_container_exec stat -c '%a %s' /opt/tree/sub/f)" == "750 3" ]]; then ok "copy_in directory"
else fail "copy_in directory"; fi

# 8. stop cleanly; the cached rootfs must be untouched by the test
ct_dir=$CHIEF_CT_DIR
t0=$(date +%s.%N)
chief_container_stop
t_stop=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
if [[ ! -e "$root/usr/bin/hello" && ! -e "$root/tmp/chief-smoke-dummy.deb" ]]; then ok "cached rootfs pristine"
else fail "cached rootfs was modified"; fi
if [[ -z "$ct_dir" || "$CHIEF_SYSTEST_KEEP" == 1 || ! -e "$ct_dir" ]]; then ok "per-test dir removed"
else fail "per-test dir $ct_dir left behind"; fi

echo "smoke_container: rootfs ${t_rootfs}s, boot ${t_boot}s, stop ${t_stop}s" >&2
echo "smoke_container: $passed passed, $failed failed"
(( failed == 0 ))
