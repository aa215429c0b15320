#!/usr/bin/env bash
# Installs what building and testing Chief needs on Debian 12, from Debian's own packages.
# Usage: packaging/build-deps.sh [--with-fuzz] [--with-packaging]   (run as root)
#   --with-fuzz        clang and its runtime, for the libFuzzer target
#   --with-packaging   Debian and RPM packaging tools, and what the system test boots a container with
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates tzdata
  libyaml-dev libsystemd-dev libboost-dev libhowardhinnant-date-dev
  libcurl4-openssl-dev nlohmann-json3-dev libsqlite3-dev
  catch2 libbenchmark-dev
  systemd libdbus-1-dev bash-completion scdoc dbus
  # chief-monitord's HTTPS (and the certificates its tests make)
  libssl-dev openssl
  # tests only: the independent cron implementation import-cron is compared with, a second YAML
  # reader for the exported Kubernetes manifests, and the dashboard's browser test
  python3-croniter python3-yaml
  chromium chromium-driver python3-selenium
)
for option in "$@"; do
  case $option in
    --with-fuzz) packages+=(clang libclang-rt-14-dev) ;;
    --with-packaging) packages+=(dpkg-dev debhelper lintian rpm debootstrap systemd-container) ;;
    *) echo "build-deps: unknown option $option" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "build-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "build-deps: all ${#packages[@]} packages already installed" >&2
fi
