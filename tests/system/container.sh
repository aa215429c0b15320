# shellcheck shell=bash
# shellcheck disable=SC2034,SC2016  # CHIEF_* globals are API; sh -c scripts are single-quoted on purpose
# tests/system/container.sh -- helpers for Chief system tests that boot a real
# systemd (Debian 12) inside systemd-nspawn and install a .deb in it.
#
# Source this file; it does not change the caller's shell options.
#
#   . tests/system/container.sh
#   trap chief_container_stop EXIT
#   trap 'exit 130' INT TERM          # so the EXIT trap runs on ^C / kill
#   root=$(chief_rootfs_ensure)       # cached pristine rootfs (built once)
#   chief_container_boot chief-t1 "$root"   # NOT inside $(...): it sets globals
#   chief_container_copy_in build/chief.deb /tmp/chief.deb
#   chief_container_exec apt-get install -y /tmp/chief.deb
#   chief_container_exec systemctl is-active chief.service
#   chief_container_stop
#
# One container per shell at a time (state lives in CHIEF_CT_* globals).
# Host needs: debootstrap, systemd-container, util-linux, procps, coreutils.
# See tests/system/NOTES.md for measurements and pitfalls.

# ---------------------------------------------------------------- settings
: "${CHIEF_SYSTEST_CACHE:=/var/cache/chief-systest}"     # pristine rootfs cache
: "${CHIEF_SYSTEST_RUNDIR:=/var/tmp/chief-systest}"      # per-test copies/overlays
: "${CHIEF_SYSTEST_SUITE:=bookworm}"
: "${CHIEF_SYSTEST_MIRROR:=http://deb.debian.org/debian}"
: "${CHIEF_SYSTEST_SECURITY_MIRROR:=http://deb.debian.org/debian-security}"
# Packages baked into the rootfs: what booting and inspecting need (man-db: systemd-analyze
# verify checks Documentation=man:... pages), and deliberately none of
# chief's own library Depends, so that installing the .deb with apt proves they are right.
# Override or extend via *_EXTRA_PACKAGES.
: "${CHIEF_SYSTEST_PACKAGES:=systemd systemd-sysv dbus apt ca-certificates procps man-db}"
: "${CHIEF_SYSTEST_EXTRA_PACKAGES:=}"
# Units masked in the rootfs: periodic jobs that would grab the dpkg lock or do
# pointless work in a short-lived test container.
: "${CHIEF_SYSTEST_MASK_UNITS:=apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer}"
# How each container gets its private writable root: auto|overlay|copy|volatile
#   overlay : host overlayfs (lower = cache, upper in RUNDIR)   ~2 ms
#   copy    : cp -a --reflink=auto of the cache into RUNDIR      ~1 s
#   volatile: nspawn --volatile=overlay (upper is tmpfs, gone at stop)
#   auto    : overlay, falling back to copy if overlayfs can't be mounted
: "${CHIEF_SYSTEST_ROOT_MODE:=auto}"
: "${CHIEF_SYSTEST_BOOT_TIMEOUT:=120}"   # seconds: nspawn start -> running/degraded
: "${CHIEF_SYSTEST_STOP_TIMEOUT:=30}"    # seconds: poweroff -> nspawn exited
: "${CHIEF_SYSTEST_EXEC_TIMEOUT:=900}"   # seconds: per chief_container_exec (0=none)
: "${CHIEF_SYSTEST_KEEP:=0}"             # 1 = keep per-test dir (logs, upper) at stop
: "${CHIEF_SYSTEST_NSPAWN_ARGS:=}"       # extra systemd-nspawn args (word-split)

_CHIEF_ROOTFS_FORMAT=2   # bump when the build recipe below changes

# ---------------------------------------------------------------- state
CHIEF_CT_NAME=""          # machine name
CHIEF_CT_NSPAWN_PID=""    # systemd-nspawn we started
CHIEF_CT_NSPAWN_START=""  # its start time (guards against PID reuse)
CHIEF_CT_PID1=""          # container's init, as a host PID
CHIEF_CT_PID1_START=""
CHIEF_CT_DIR=""           # per-test directory (log, overlay upper or copy)
CHIEF_CT_ROOT=""          # directory given to nspawn -D
CHIEF_CT_MODE=""          # overlay|copy|volatile
CHIEF_CT_MOUNTED=""       # overlay mount point we mounted, if any
CHIEF_CT_CGROUPS=""       # cgroup dirs we created for nspawn
CHIEF_ROOTFS=""           # set by chief_rootfs_ensure

# ---------------------------------------------------------------- helpers
_chief_log() { printf '[chief-systest %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

_chief_now() { date +%s.%N; }
_chief_since() { awk -v a="$1" -v b="$(_chief_now)" 'BEGIN{printf "%.2f", b-a}'; }

# start time (field 22 of /proc/PID/stat) -- identifies a process beyond its PID
_chief_starttime() {
  local s
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }                       # drop "pid (comm) " (comm may contain spaces)
  # shellcheck disable=SC2086
  set -- $s                         # now $1 = state (field 3)
  printf '%s\n' "${20}"
}

# true if PID is alive, not a zombie, and (if given) has the recorded start time
_chief_pid_alive() {
  local pid=$1 want=${2:-} st
  [[ -n "$pid" && -r /proc/$pid/stat ]] || return 1
  st=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  st=${st##*) }; st=${st%% *}
  [[ "$st" != Z && "$st" != X ]] || return 1
  [[ -z "$want" || "$(_chief_starttime "$pid")" == "$want" ]]
}

# wait until PID is gone, at most $2 seconds (polls every 0.1 s)
_chief_wait_gone() {
  local pid=$1 want=$2 deadline
  deadline=$(( $(date +%s) + $3 ))
  while _chief_pid_alive "$pid" "$want"; do
    (( $(date +%s) < deadline )) || return 1
    sleep 0.1
  done
  # reap it if it is our child (no-op otherwise)
  wait "$pid" 2>/dev/null || true
  return 0
}

# unmount everything mounted at or below DIR (deepest first)
_chief_umount_below() {
  local dir mnt
  dir=$(readlink -f -- "$1" 2>/dev/null) || return 0
  [[ -n "$dir" && "$dir" != / ]] || return 0
  # field 5 of mountinfo is the mount point (octal escapes for spaces etc.)
  awk -v d="$dir" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo |
    sort -r | while read -r mnt; do
      _chief_log "umount $mnt"
      umount "$mnt" 2>/dev/null || umount -l "$mnt" || true
    done
}

# rm -rf that never crosses into a mounted filesystem (e.g. a leaked /proc)
_chief_rmtree() {
  [[ -n "$1" && "$1" != / && -e "$1" ]] || return 0
  _chief_umount_below "$1"
  rm -rf --one-file-system -- "$1"
}

_chief_rootfs_config() {
  # shellcheck disable=SC2086  # word-splitting the lists is intended
  printf 'format=%s\nsuite=%s\nvariant=minbase\nmirror=%s\nsecurity=%s\npackages=%s\nmask=%s\n' \
    "$_CHIEF_ROOTFS_FORMAT" "$CHIEF_SYSTEST_SUITE" "$CHIEF_SYSTEST_MIRROR" \
    "$CHIEF_SYSTEST_SECURITY_MIRROR" \
    "$(printf '%s\n' $CHIEF_SYSTEST_PACKAGES $CHIEF_SYSTEST_EXTRA_PACKAGES | sort -u | tr '\n' ' ')" \
    "$CHIEF_SYSTEST_MASK_UNITS"
}

_chief_need() {
  local c missing=()
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  if (( ${#missing[@]} )); then
    _chief_log "missing host tools: ${missing[*]} (apt-get install debootstrap systemd-container util-linux procps)"
    return 1
  fi
}

# ---------------------------------------------------------------- rootfs
# chief_rootfs_ensure [DIR]
# Make sure DIR holds a complete Debian rootfs built from the current config;
# build it if needed. Default DIR: $CHIEF_SYSTEST_CACHE/<suite>-<config hash>,
# so changing the package list yields a new cache entry instead of mutating one
# that a running test may use. Prints DIR on stdout and sets CHIEF_ROOTFS.
# Completeness: DIR/etc/chief-systest/rootfs.stamp, written into the temp build
# dir last, which is then renamed to DIR (an interrupted build is never used).
chief_rootfs_ensure() {
  local cfg hash dir stamp lockfd tmp t0 rc=0
  _chief_need debootstrap systemd-nspawn flock sha256sum || return 1
  cfg=$(_chief_rootfs_config)
  hash=$(printf '%s' "$cfg" | sha256sum | cut -c1-12)
  dir=${1:-$CHIEF_SYSTEST_CACHE/$CHIEF_SYSTEST_SUITE-$hash}
  dir=${dir%/}
  stamp=$dir/etc/chief-systest/rootfs.stamp
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$cfg" ]]; then
    _chief_log "rootfs cache hit: $dir"
    CHIEF_ROOTFS=$dir; printf '%s\n' "$dir"; return 0
  fi
  mkdir -p -- "$(dirname -- "$dir")" || return 1
  exec {lockfd}>"$dir.lock" || return 1
  _chief_log "waiting for rootfs lock $dir.lock"
  if ! flock -w 1800 "$lockfd"; then
    _chief_log "timed out waiting for $dir.lock"; exec {lockfd}>&-; return 1
  fi
  # another process may have built it while we waited
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$cfg" ]]; then
    exec {lockfd}>&-
    _chief_log "rootfs cache hit (built concurrently): $dir"
    CHIEF_ROOTFS=$dir; printf '%s\n' "$dir"; return 0
  fi
  # leftovers of interrupted builds (we hold the lock, so nobody else is building)
  for tmp in "$dir".tmp.*; do
    if [[ -d "$tmp" ]]; then _chief_log "removing stale build dir $tmp"; _chief_rmtree "$tmp"
    elif [[ -f "$tmp" ]]; then rm -f -- "$tmp"; fi   # its .log
  done
  tmp=$(mktemp -d "$dir.tmp.XXXXXX") || { exec {lockfd}>&-; return 1; }
  chmod 0755 "$tmp"   # mktemp makes it 0700: it becomes the container's / (copy mode)
  t0=$(_chief_now)
  _chief_log "building rootfs in $tmp (log: $tmp.log)"
  _chief_rootfs_build "$tmp" "$cfg" >"$tmp.log" 2>&1 || rc=$?
  if (( rc == 0 )); then
    if [[ -e "$dir" ]]; then                 # incomplete/outdated: replace it
      _chief_log "replacing incomplete/outdated $dir"
      mv -T -- "$dir" "$dir.tmp.old$$" && _chief_rmtree "$dir.tmp.old$$" || rc=$?
    fi
    (( rc == 0 )) && { sync -f "$tmp"; mv -T -- "$tmp" "$dir"; } || rc=$?
  fi
  if (( rc != 0 )); then
    _chief_log "rootfs build FAILED (rc=$rc); last log lines:"
    tail -n 30 "$tmp.log" >&2
    _chief_rmtree "$tmp"
    exec {lockfd}>&-
    return 1
  fi
  mv -f -- "$tmp.log" "$dir.build.log"
  exec {lockfd}>&-
  _chief_log "rootfs ready: $dir (built in $(_chief_since "$t0")s, $(du -sh "$dir" | cut -f1))"
  CHIEF_ROOTFS=$dir; printf '%s\n' "$dir"
}

# the actual recipe; runs with stdout/stderr going to the build log.
# Explicit `|| return` checks: set -e would be ignored under `|| rc=$?` anyway.
_chief_rootfs_build() {
  local r=$1 cfg=$2 pkgs u
  # never let an empty/odd path turn "$r/etc/..." into the host's /etc
  [[ "$r" == /?*/* && -d "$r" && "$(readlink -f -- "$r")" != / ]] ||
    { echo "refusing to build into '$r'"; return 1; }
  # shellcheck disable=SC2086  # word-splitting the lists is intended
  pkgs=$(printf '%s\n' $CHIEF_SYSTEST_PACKAGES $CHIEF_SYSTEST_EXTRA_PACKAGES | sort -u | paste -sd, -)
  echo "+ debootstrap --variant=minbase --include=$pkgs $CHIEF_SYSTEST_SUITE $r $CHIEF_SYSTEST_MIRROR"
  debootstrap --variant=minbase --include="$pkgs" "$CHIEF_SYSTEST_SUITE" "$r" "$CHIEF_SYSTEST_MIRROR" || return
  [[ -x "$r/usr/bin/apt-get" ]] || { echo "debootstrap produced no apt-get"; return 1; }
  # apt: main + updates + security, so the root matches a current host and a
  # .deb built there resolves its (versioned) Depends.
  rm -f "$r/etc/apt/sources.list" || return
  cat >"$r/etc/apt/sources.list.d/debian.sources" <<EOF || return
Types: deb
URIs: $CHIEF_SYSTEST_MIRROR
Suites: $CHIEF_SYSTEST_SUITE $CHIEF_SYSTEST_SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $CHIEF_SYSTEST_SECURITY_MIRROR
Suites: $CHIEF_SYSTEST_SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cat >"$r/etc/apt/apt.conf.d/99chief-systest" <<'EOF' || return
// chief system tests: lean, non-interactive, tolerant of snapshot mirrors
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
Acquire::Check-Valid-Until "false";
Acquire::IndexTargets::deb::DEP-11 { DefaultEnabled "false"; };
Dpkg::Use-Pty "false";
EOF
  for u in $CHIEF_SYSTEST_MASK_UNITS; do
    ln -sfn /dev/null "$r/etc/systemd/system/$u" || return
    rm -f "$r"/etc/systemd/system/*.wants/"$u"
  done
  # debootstrap copied the host's hostname; without the file systemd keeps the
  # hostname nspawn sets (the machine name).
  rm -f "$r/etc/hostname"
  # bring it up to date with -updates/-security (apt in a non-booted nspawn)
  echo "+ systemd-nspawn -D $r: apt-get update && apt-get -y dist-upgrade"
  systemd-nspawn -q --register=no --keep-unit --pipe --resolv-conf=replace-host \
    --setenv=DEBIAN_FRONTEND=noninteractive -D "$r" -M "chief-build-$$" \
    /bin/sh -ec 'apt-get update; apt-get -y dist-upgrade; apt-get clean' </dev/null || return
  mkdir -p "$r/etc/chief-systest" || return
  printf '%s\n' "$cfg" >"$r/etc/chief-systest/rootfs.stamp"   # last step
}

# ---------------------------------------------------------------- container
# put PID into fresh child cgroups of our own, so concurrent nspawns (which
# create "payload"/"supervisor" below their current cgroup under --keep-unit)
# don't collide. Best effort: skipped where cgroupfs isn't writable.
_chief_cgroup_prepare() {
  local name=$1 line hier path base d
  CHIEF_CT_CGROUPS=""
  while IFS= read -r line; do
    hier=${line#*:}; hier=${hier%%:*}; path=${line#*:*:}
    case $hier in
      "") base=/sys/fs/cgroup; [[ -d /sys/fs/cgroup/unified ]] && base=/sys/fs/cgroup/unified
          [[ -f $base/cgroup.controllers ]] || continue ;;
      name=systemd) base=/sys/fs/cgroup/systemd ;;
      *) continue ;;
    esac
    d=$base${path%/}/chief-systest-$name
    if mkdir -p "$d" 2>/dev/null; then CHIEF_CT_CGROUPS+="$d "; fi
  done </proc/self/cgroup
}

_chief_cgroup_cleanup() {
  local d
  for d in $CHIEF_CT_CGROUPS; do
    # nspawn leaves payload/ and supervisor/ below; remove deepest first
    find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  CHIEF_CT_CGROUPS=""
}

# chief_container_boot NAME ROOT [extra systemd-nspawn args...]
# Boots ROOT (a pristine rootfs, left untouched) with systemd as PID 1 from a
# private writable view (see CHIEF_SYSTEST_ROOT_MODE), in the background.
# Returns once `systemctl is-system-running` says running (or degraded: the
# failed units are logged), or fails after CHIEF_SYSTEST_BOOT_TIMEOUT seconds
# (then it has already cleaned up). Must run in the caller's shell, not $(...).
chief_container_boot() {
  local name=$1 root=${2%/} mode t0 deadline c ns st out
  shift 2 || { _chief_log "usage: chief_container_boot NAME ROOT [nspawn args]"; return 2; }
  _chief_need systemd-nspawn nsenter pgrep || return 1
  if [[ -n "$CHIEF_CT_NSPAWN_PID" || -n "$CHIEF_CT_DIR" ]]; then
    _chief_log "a container ($CHIEF_CT_NAME) is already active in this shell; stop it first"
    return 1
  fi
  [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9-]{0,62}$ ]] || { _chief_log "bad machine name '$name'"; return 2; }
  [[ -x "$root/usr/lib/systemd/systemd" || -x "$root/lib/systemd/systemd" ]] ||
    { _chief_log "$root does not look like a rootfs with systemd"; return 1; }
  t0=$(_chief_now)
  CHIEF_CT_NAME=$name
  mkdir -p -- "$CHIEF_SYSTEST_RUNDIR" || return 1
  CHIEF_CT_DIR=$(mktemp -d "$CHIEF_SYSTEST_RUNDIR/$name.XXXXXX") || { CHIEF_CT_DIR=""; return 1; }
  _chief_log "container $name: workdir $CHIEF_CT_DIR"

  local -a nsargs=(--boot --register=no --keep-unit -M "$name" --console=passive
                   --resolv-conf=replace-host --timezone=auto)
  mode=$CHIEF_SYSTEST_ROOT_MODE
  if [[ $mode == auto || $mode == overlay ]]; then
    if [[ "$root$CHIEF_CT_DIR" == *[,:]* ]]; then
      _chief_log "paths contain ',' or ':'; overlayfs not possible"
    else
      mkdir -p "$CHIEF_CT_DIR"/{upper,work,root}
      chmod 0755 "$CHIEF_CT_DIR"/upper "$CHIEF_CT_DIR"/root   # upper's mode is the container's / mode
      if mount -t overlay "chief-systest-$name" \
           -o "lowerdir=$root,upperdir=$CHIEF_CT_DIR/upper,workdir=$CHIEF_CT_DIR/work" \
           "$CHIEF_CT_DIR/root"; then
        CHIEF_CT_MOUNTED=$CHIEF_CT_DIR/root; CHIEF_CT_ROOT=$CHIEF_CT_DIR/root; mode=overlay
        _chief_log "container $name: overlayfs lower=$root upper=$CHIEF_CT_DIR/upper"
      else
        _chief_log "overlayfs mount failed"
      fi
    fi
    if [[ $mode == overlay && -z "$CHIEF_CT_MOUNTED" ]]; then chief_container_stop; return 1; fi
    [[ $mode == auto ]] && { _chief_log "falling back to copy"; mode=copy; }
  fi
  case $mode in
    overlay) ;;
    copy)
      rm -rf "$CHIEF_CT_DIR/root"
      _chief_log "container $name: cp -a --reflink=auto $root -> $CHIEF_CT_DIR/root"
      if ! cp -a --reflink=auto -- "$root" "$CHIEF_CT_DIR/root"; then
        _chief_log "copy failed"; chief_container_stop; return 1
      fi
      CHIEF_CT_ROOT=$CHIEF_CT_DIR/root ;;
    volatile)
      CHIEF_CT_ROOT=$root; nsargs+=(--volatile=overlay) ;;
    *) _chief_log "bad CHIEF_SYSTEST_ROOT_MODE=$mode"; chief_container_stop; return 2 ;;
  esac
  CHIEF_CT_MODE=$mode

  _chief_cgroup_prepare "$name"
  # shellcheck disable=SC2206
  nsargs+=(-D "$CHIEF_CT_ROOT" $CHIEF_SYSTEST_NSPAWN_ARGS "$@")
  _chief_log "container $name: systemd-nspawn ${nsargs[*]}  (console log: $CHIEF_CT_DIR/console.log)"
  # The wrapper shell moves itself into our cgroups, then execs nspawn, so $!
  # is the nspawn PID.
  CHIEF_CT_CG_LIST=$CHIEF_CT_CGROUPS \
  /bin/sh -c 'for d in $CHIEF_CT_CG_LIST; do echo $$ > "$d/cgroup.procs" 2>/dev/null; done
              unset CHIEF_CT_CG_LIST; exec systemd-nspawn "$@"' chief-nspawn "${nsargs[@]}" \
    </dev/null >"$CHIEF_CT_DIR/console.log" 2>&1 &
  CHIEF_CT_NSPAWN_PID=$!
  CHIEF_CT_NSPAWN_START=$(_chief_starttime "$CHIEF_CT_NSPAWN_PID")  || true
  _chief_log "container $name: nspawn pid $CHIEF_CT_NSPAWN_PID"

  # find the container's init: the nspawn child that is PID 1 in its own pidns
  deadline=$(( $(date +%s) + 30 ))
  while [[ -z "$CHIEF_CT_PID1" ]]; do
    for c in $(pgrep -P "$CHIEF_CT_NSPAWN_PID" 2>/dev/null); do
      ns=$(awk '/^NSpid:/{print $NF}' "/proc/$c/status" 2>/dev/null) || ns=""
      if [[ "$ns" == 1 ]]; then CHIEF_CT_PID1=$c; CHIEF_CT_PID1_START=$(_chief_starttime "$c") || true; break; fi
    done
    [[ -n "$CHIEF_CT_PID1" ]] && break
    if ! _chief_pid_alive "$CHIEF_CT_NSPAWN_PID" || (( $(date +%s) >= deadline )); then
      _chief_log "container $name: nspawn died or no PID 1 appeared; console log:"
      tail -n 40 "$CHIEF_CT_DIR/console.log" >&2
      chief_container_stop; return 1
    fi
    sleep 0.05
  done
  _chief_log "container $name: PID 1 is host pid $CHIEF_CT_PID1"

  # readiness: is-system-running --wait blocks until boot finished once the
  # bus is reachable; before that it fails fast, so retry until the deadline.
  deadline=$(( $(date +%s) + CHIEF_SYSTEST_BOOT_TIMEOUT ))
  while :; do
    st=$(CHIEF_SYSTEST_EXEC_TIMEOUT=$(( deadline - $(date +%s) + 1 )) \
         chief_container_exec systemctl is-system-running --wait 2>/dev/null) || st=""
    case $st in running|degraded) break ;; esac
    if ! _chief_pid_alive "$CHIEF_CT_PID1" "$CHIEF_CT_PID1_START" || (( $(date +%s) >= deadline )); then
      _chief_log "container $name: not ready (state '${st:-?}') after $(_chief_since "$t0")s; console log:"
      tail -n 40 "$CHIEF_CT_DIR/console.log" >&2
      chief_container_stop; return 1
    fi
    sleep 0.1
  done
  if [[ $st == degraded ]]; then
    out=$(chief_container_exec systemctl --failed --no-legend --plain 2>&1) || true
    _chief_log "container $name: DEGRADED; failed units:"; printf '%s\n' "$out" >&2
  fi
  _chief_log "container $name: $st after $(_chief_since "$t0")s (mode $mode)"
}

# chief_container_exec CMD [ARGS...]
# Runs CMD inside the container (all its namespaces, clean environment) with
# the caller's stdin/stdout/stderr; returns CMD's exit status (124 on timeout).
chief_container_exec() {
  if ! _chief_pid_alive "$CHIEF_CT_PID1" "$CHIEF_CT_PID1_START"; then
    _chief_log "chief_container_exec: no running container"; return 125
  fi
  local -a to=()
  (( CHIEF_SYSTEST_EXEC_TIMEOUT > 0 )) && to=(timeout -k 10 "$CHIEF_SYSTEST_EXEC_TIMEOUT")
  "${to[@]}" nsenter -t "$CHIEF_CT_PID1" -m -u -i -n -p -C --wdns=/ \
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 TERM=dumb \
      DEBIAN_FRONTEND=noninteractive SYSTEMD_PAGER= SYSTEMD_COLORS=0 PAGER=cat \
      "$@"
}

# chief_container_copy_in SRC DST
# Copies a host file (mode preserved) or directory (tar) to DST inside the
# container. Goes through the container's own mount namespace, so it works
# in every root mode and never follows the rootfs's absolute symlinks on the host.
chief_container_copy_in() {
  local src=$1 dst=$2 mode
  [[ -n "$src" && -n "$dst" && "$dst" == /* ]] || { _chief_log "usage: chief_container_copy_in SRC /ABS/DST"; return 2; }
  _chief_log "copy_in $src -> $CHIEF_CT_NAME:$dst"
  if [[ -d "$src" ]]; then
    tar -C "$src" -cf - . | chief_container_exec sh -ec 'mkdir -p "$1"; tar -C "$1" -xf -' sh "$dst"
  elif [[ -f "$src" ]]; then
    mode=$(stat -c %a -- "$src") || return 1
    chief_container_exec sh -ec 'mkdir -p "$(dirname "$1")"; t="$1.copy-in.$$"
                                 cat >"$t"; chmod "$2" "$t"; mv -f "$t" "$1"' sh "$dst" "$mode" <"$src"
  else
    _chief_log "copy_in: $src: no such file or directory"; return 1
  fi
}

# chief_container_stop
# Powers the container off (systemctl poweroff, then SIGTERM to nspawn, then
# SIGKILL to the nspawn + init PIDs we recorded), unmounts and removes the
# per-test dir (kept if CHIEF_SYSTEST_KEEP=1). Idempotent; safe in an EXIT trap
# at any point of a failed boot. Always returns 0 unless cleanup failed.
chief_container_stop() {
  local rc=0 n=${CHIEF_CT_NAME:-?}
  local npid=$CHIEF_CT_NSPAWN_PID nstart=$CHIEF_CT_NSPAWN_START
  if [[ -n "$npid" ]] && _chief_pid_alive "$npid" "$nstart"; then
    if _chief_pid_alive "$CHIEF_CT_PID1" "$CHIEF_CT_PID1_START"; then
      _chief_log "container $n: systemctl poweroff"
      CHIEF_SYSTEST_EXEC_TIMEOUT=15 chief_container_exec systemctl poweroff --no-block >/dev/null 2>&1 ||
        { _chief_log "container $n: poweroff request failed; SIGTERM nspawn $npid"; kill -TERM "$npid" 2>/dev/null || true; }
    else
      _chief_log "container $n: SIGTERM nspawn $npid"
      kill -TERM "$npid" 2>/dev/null || true
    fi
    if ! _chief_wait_gone "$npid" "$nstart" "$CHIEF_SYSTEST_STOP_TIMEOUT"; then
      _chief_log "container $n: still up after ${CHIEF_SYSTEST_STOP_TIMEOUT}s; SIGTERM nspawn $npid"
      kill -TERM "$npid" 2>/dev/null || true
      if ! _chief_wait_gone "$npid" "$nstart" 10; then
        _chief_log "container $n: SIGKILL nspawn $npid and init $CHIEF_CT_PID1"
        kill -KILL "$npid" 2>/dev/null || true
        if _chief_pid_alive "$CHIEF_CT_PID1" "$CHIEF_CT_PID1_START"; then kill -KILL "$CHIEF_CT_PID1" 2>/dev/null || true; fi
        _chief_wait_gone "$npid" "$nstart" 10 || { _chief_log "container $n: nspawn $npid will not die"; rc=1; }
      fi
    fi
    _chief_log "container $n: stopped"
  elif [[ -n "$npid" ]]; then
    wait "$npid" 2>/dev/null || true   # reap if it already exited
  fi
  # init should be gone with nspawn; if it's somehow still there, it's ours
  if _chief_pid_alive "$CHIEF_CT_PID1" "$CHIEF_CT_PID1_START"; then
    _chief_log "container $n: init $CHIEF_CT_PID1 survived nspawn; SIGKILL"
    kill -KILL "$CHIEF_CT_PID1" 2>/dev/null || true
    _chief_wait_gone "$CHIEF_CT_PID1" "$CHIEF_CT_PID1_START" 10 || rc=1
  fi
  CHIEF_CT_NSPAWN_PID=""; CHIEF_CT_NSPAWN_START=""; CHIEF_CT_PID1=""; CHIEF_CT_PID1_START=""
  # a SIGKILLed nspawn leaves its (empty) propagation dir behind
  if [[ -n "$CHIEF_CT_NAME" ]]; then rmdir "/run/systemd/nspawn/propagate/$CHIEF_CT_NAME" 2>/dev/null || true; fi
  _chief_cgroup_cleanup
  if [[ -n "$CHIEF_CT_MOUNTED" ]]; then
    _chief_log "container $n: umount $CHIEF_CT_MOUNTED"
    umount "$CHIEF_CT_MOUNTED" 2>/dev/null || umount -l "$CHIEF_CT_MOUNTED" || rc=1
    CHIEF_CT_MOUNTED=""
  fi
  if [[ -n "$CHIEF_CT_DIR" ]]; then
    if [[ "$CHIEF_SYSTEST_KEEP" == 1 ]]; then
      _chief_log "container $n: keeping $CHIEF_CT_DIR (CHIEF_SYSTEST_KEEP=1)"
    else
      _chief_log "container $n: removing $CHIEF_CT_DIR"
      _chief_rmtree "$CHIEF_CT_DIR" || rc=1
    fi
    CHIEF_CT_DIR=""
  fi
  CHIEF_CT_ROOT=""; CHIEF_CT_MODE=""; CHIEF_CT_NAME=""
  return $rc
}
