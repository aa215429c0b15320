#!/usr/bin/env bash
# Writes a config with N jobs (default 10000) cycling through every schedule form, plus the
# one script they share, into DIR. With "quiet", every job is in UTC and fires only at an hour
# twelve hours away, so nothing is due for hours (the idle benchmark).
# Usage: bench/gen_config.sh DIR [N] [quiet]
set -euo pipefail
dir=$1
count=${2:-10000}
quiet=${3:-}
quiet_hour=$(( ($(date -u +%-H) + 12) % 24 ))
mkdir -p "$dir"
printf '#!/bin/sh\nexit 0\n' > "$dir/run.sh"
chmod +x "$dir/run.sh"
awk -v n="$count" -v quiet="$quiet" -v qh="$quiet_hour" 'BEGIN {
  split("America/New_York Europe/Berlin Asia/Kolkata Australia/Sydney UTC", zones, " ")
  print "version: 1"
  print "defaults:"
  print "  timezone: UTC"
  print "jobs:"
  for (i = 0; i < n; i++) {
    z = zones[i % 5 + 1]
    printf "  - name: job-%05d\n", i
    print  "    schedule:"
    k = i % 8
    if (quiet != "") {
      z = "UTC"
      if (k == 0)      { print "      frequency: daily"; printf "      time: \"%02d:%02d\"\n", qh, i % 60 }
      else if (k == 1) { print "      frequency: weekly"; print "      day: monday-friday"; printf "      time: \"%02d:30\"\n", qh }
      else if (k == 2) { print "      frequency: monthly"; print "      ordinal: last"; print "      day: friday"; printf "      time: \"%02d:00\"\n", qh }
      else if (k == 3) { print "      frequency: monthly"; printf "      day_of_month: %d\n", i % 28 + 1; printf "      time: \"%02d:00\"\n", qh }
      else if (k == 4) { print "      frequency: yearly"; print "      month: january"; print "      day_of_month: 1"; printf "      time: \"%02d:00\"\n", qh }
      else if (k == 5) { print "      frequency: interval"; print "      every: 1d"; printf "      start: \"2026-01-01T%02d:15\"\n", qh }
      else if (k == 6) { print "      frequency: custom"; print "      minute: \"*/10\""; printf "      hour: \"%d\"\n", qh; print "      day_of_week: mon-fri" }
      else             { print "      frequency: daily"; printf "      time: \"%02d:45\"\n", qh; print "      exclude: [2026-12-25, 2027-01-01]" }
    } else
    if (k == 0)      { print "      frequency: daily"; printf "      time: \"%02d:%02d\"\n", i % 24, i % 60 }
    else if (k == 1) { print "      frequency: weekly"; print "      day: monday-friday"; printf "      time: \"%02d:30\"\n", i % 24 }
    else if (k == 2) { print "      frequency: monthly"; print "      ordinal: last"; print "      day: friday"; print "      time: \"18:00\"" }
    else if (k == 3) { print "      frequency: monthly"; printf "      day_of_month: %d\n", i % 28 + 1; print "      time: \"09:00\"" }
    else if (k == 4) { print "      frequency: yearly"; print "      month: january"; print "      day_of_month: 1"; print "      time: \"00:00\"" }
    else if (k == 5) { print "      frequency: interval"; printf "      every: %dm\n", (i % 6 + 1) * 15 }
    else if (k == 6) { print "      frequency: custom"; print "      minute: \"*/10\""; print "      hour: \"8-18\""; print "      day_of_week: mon-fri" }
    else             { print "      frequency: daily"; print "      time: \"02:30\""; print "      exclude: [2026-12-25, 2027-01-01]" }
    printf "      timezone: %s\n", z
    print  "    scripts:"
    print  "      - path: run.sh"
    print  "        args: [--id, \"" i "\"]"
    print  "        timeout: 600"
  }
}' > "$dir/chief.yaml"
echo "$dir/chief.yaml"
