#!/usr/bin/env bash
# Builds both packages into OUTDIR (default: dist/ at the top of the tree):
#   chief_<version>_amd64.deb         with Debian's tooling (packaging/debian, dpkg-buildpackage,
#                                     dh_installsystemd, dh_installsysusers)
#   chief-<version>-1.x86_64.rpm      with rpmbuild (packaging/rpm/chief.spec), from the very
#                                     files the .deb installs
# and runs lintian on the .deb. Usage (as root or not): bash packaging/build-packages.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-dist}")
version=$(sed -n 's/^project(chief VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== .deb (dpkg-buildpackage)" >&2
src="$work/chief-$version"
mkdir -p "$src"
git ls-files -z | xargs -0 cp --parents -t "$src"   # the tracked tree, nothing from build/
cp -r packaging/debian "$src/debian"
(cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b >"$work/dpkg-buildpackage.log" 2>&1) || {
  tail -n 60 "$work/dpkg-buildpackage.log" >&2
  exit 1
}
deb=$(ls "$work"/chief_"$version"-*_amd64.deb)
cp "$deb" "$out"/

echo "== lintian" >&2
lintian --info "$deb" | tee "$out/lintian.txt" >&2 || true
if grep -q '^E:' "$out/lintian.txt"; then
  echo "lintian reported errors" >&2
  exit 1
fi

echo "== .rpm (rpmbuild)" >&2
stage="$work/stage"
dpkg-deb -x "$deb" "$stage"
rm -rf "$stage/usr/share/lintian"
fallback=()
if [[ "$(rpm --eval '%{?systemd_post:defined}')" != defined ]]; then
  fallback=(--load packaging/rpm/macros.systemd-fallback)
fi
rpmbuild -bb "${fallback[@]}" \
  --define "_topdir $work/rpmtop" \
  --define "stagedir $stage" \
  --define "chief_version $version" \
  --define "unitdir $(pkg-config --variable=systemdsystemunitdir systemd)" \
  --define "userunitdir $(pkg-config --variable=systemduserunitdir systemd)" \
  --define "sysusersdir $(pkg-config --variable=sysusersdir systemd)" \
  packaging/rpm/chief.spec >"$work/rpmbuild.log" 2>&1 || {
  tail -n 40 "$work/rpmbuild.log" >&2
  exit 1
}
cp "$work"/rpmtop/RPMS/*/chief-"$version"-1.*.rpm "$out"/
ls -l "$out" >&2
