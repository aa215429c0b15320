#!/usr/bin/env bash
# Drives packaging/bash-completion/chiefctl as bash does at a TAB, with bash-completion's own
# helpers, against a stand-in `chiefctl` on PATH: `list` is the real chiefctl reading a config
# offline (so the JSON the script parses is the real shape), `history` a canned answer in
# history --json's shape (it has no offline form).
# Usage: test_bash_completion.sh CHIEFCTL COMPLETION_SCRIPT
set -u
real_chiefctl=${1:?usage: test_bash_completion.sh CHIEFCTL COMPLETION_SCRIPT}
script=${2:?usage: test_bash_completion.sh CHIEFCTL COMPLETION_SCRIPT}
helpers=/usr/share/bash-completion/bash_completion
[[ -r $helpers ]] || { echo "FAIL: $helpers is missing (apt install bash-completion)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/chief.yaml" <<'EOF'
jobs:
  - name: zeta-off
    enabled: false
    schedule: {frequency: daily, time: "01:00"}
    scripts: [{path: /bin/true}]
  - name: backup
    schedule: {frequency: daily, time: "02:00"}
    scripts: [{path: /bin/true}]
  - name: alpha
    schedule: {frequency: daily, time: "03:00"}
    scripts: [{path: /bin/true}]
EOF
cat >"$work/chiefctl" <<EOF
#!/bin/sh
case "\$1" in
  list) shift; exec "$real_chiefctl" --config "$work/chief.yaml" list "\$@" ;;
  history) cat "$work/history.json" ;;
esac
exit 1
EOF
chmod +x "$work/chiefctl"
cat >"$work/history.json" <<'EOF'
{
  "job": null,
  "runs": [
    {
      "job": "backup",
      "result": "running",
      "run_id": "20270101T060000.002Z-0004"
    },
    {
      "job": "alpha",
      "result": "failed",
      "run_id": "20261231T060000.000Z-0001"
    }
  ]
}
EOF
PATH=$work:$PATH
# shellcheck source=/dev/null
source "$helpers"
# shellcheck source=/dev/null
source "$script"

failures=0
# complete "WORDS BEFORE THE CURSOR" "WORD BEING COMPLETED" EXPECTED
complete() {
  local -a words
  read -ra words <<<"chiefctl $1"
  words+=("$2")
  COMP_WORDS=("${words[@]}")
  COMP_CWORD=$((${#words[@]} - 1))
  COMP_LINE="${words[*]}"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  _chiefctl chiefctl "$2" "${words[COMP_CWORD - 1]}"
  local got="${COMPREPLY[*]}"
  if [[ $got == "$3" ]]; then
    echo "ok: chiefctl $1 [$2]: $got"
  else
    echo "FAIL: chiefctl $1 [$2]: got '$got', expected '$3'" >&2
    failures=$((failures + 1))
  fi
}

complete "" "lo" "logs"
complete "" "pa" "pause"
# Enabled jobs first, in the order chiefctl lists them (soonest first), then the disabled ones.
complete "logs" "" "backup alpha zeta-off 20270101T060000.002Z-0004 20261231T060000.000Z-0001"
complete "logs" "2026" "20261231T060000.000Z-0001"
complete "show" "" "backup alpha zeta-off"
complete "run --job" "" "backup alpha zeta-off"
complete "pause" "b" "backup"
# Runs in progress only, then the enabled jobs.
complete "cancel" "" "20270101T060000.002Z-0004 backup alpha"
complete "logs backup" "--" "--lines --follow --since --config --json --system --user --host --no-pager --help --version"
complete "logs backup" "-" "-n --lines -f --follow --since --config --json --system --user -H --host --no-pager --help --version"
complete "logs backup -n" "" ""
complete "logs backup --since" "" ""
complete "history" "--" "--limit --config --json --system --user --host --no-pager --help --version"
complete "run" "--f" "--force"

if ((failures > 0)); then
  echo "FAIL: $failures completion(s) differ" >&2
  exit 1
fi
echo "ok: every completion as expected"
