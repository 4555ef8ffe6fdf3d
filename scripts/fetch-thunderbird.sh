#!/usr/bin/env bash
# Fills the cache that test/thunderbird/ (the Thunderbird conformance suite) reads:
# Debian's `thunderbird` package, downloaded with `apt-get download` (nothing is
# installed), unpacked outside the repository, one directory per package version:
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/automx2-nest/thunderbird/<debian-version>/
#     app/         application.ini and isp/*.xml (Thunderbird's install directory)
#     omni/        omni.ja unzipped (modules/, localization/, defaults/ ...)
#     VERSION      marker, written last: the Debian version, then the upstream one
#
# Fetches apt's candidate version and the newest version of each series in
# THUNDERBIRD_EXTRA_SERIES (default "140", the older ESR) that apt knows of.
# A version whose marker exists is skipped. Exits non-zero when a package cannot be
# fetched or unpacked. The files are MPL-licensed Thunderbird code: they stay in the
# cache and are never copied into the repository.
set -euo pipefail

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/automx2-nest/thunderbird"
extra_series="${THUNDERBIRD_EXTRA_SERIES-140}"

for tool in apt-get apt-cache dpkg-deb unzip; do
  command -v "$tool" >/dev/null || { echo "fetch-thunderbird: $tool is missing" >&2; exit 1; }
done

candidate="$(apt-cache policy thunderbird | awk '/Candidate:/ { print $2 }')"
if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
  echo "fetch-thunderbird: apt knows no thunderbird package (run apt-get update)" >&2
  exit 1
fi
versions=("$candidate")
all_versions="$(apt-cache madison thunderbird | awk -F'|' '{ gsub(/ /, "", $2); print $2 }')"
for series in $extra_series; do
  newest="$(grep -E "^([0-9]+:)?${series}\." <<<"$all_versions" | sort -V | tail -n 1 || true)"
  if [ -n "$newest" ] && [ "$newest" != "$candidate" ]; then
    versions+=("$newest")
  fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/fetch-thunderbird.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# As root, apt downloads as its sandbox user _apt, which must be able to write here.
if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then chown _apt "$work"; fi

fetch_version() {
  local version="$1"
  local target="$cache_root/$version"
  if [ -f "$target/VERSION" ]; then
    echo "thunderbird $version: cached in $target"
    return 0
  fi
  rm -rf "${work:?}"/*
  echo "thunderbird $version: downloading"
  (cd "$work" && apt-get download -q "thunderbird=$version" >/dev/null)
  local deb
  deb="$(find "$work" -maxdepth 1 -name 'thunderbird_*.deb' | head -n 1)"
  [ -n "$deb" ] || { echo "fetch-thunderbird: no .deb downloaded for $version" >&2; return 1; }
  dpkg-deb -x "$deb" "$work/pkg"
  local lib="$work/pkg/usr/lib/thunderbird"
  [ -f "$lib/omni.ja" ] || { echo "fetch-thunderbird: $version has no omni.ja" >&2; return 1; }

  rm -rf "$target"
  mkdir -p "$target/app/isp" "$target/omni"
  cp "$lib"/*.ini "$target/app/"
  # Shipped ISP documents: Debian keeps them in /usr/share (isp/ is a symlink there).
  if [ -d "$lib/isp/" ]; then
    find -L "$lib/isp/" -maxdepth 1 -name '*.xml' -exec cp {} "$target/app/isp/" \;
  fi
  # unzip exits 1 on warnings (omni.ja has a non-standard header), 2+ on errors.
  local status=0
  unzip -q -o "$lib/omni.ja" -d "$target/omni" || status=$?
  if [ "$status" -gt 1 ] || [ ! -d "$target/omni/modules/accountcreation" ]; then
    echo "fetch-thunderbird: cannot unzip omni.ja of $version (unzip status $status)" >&2
    return 1
  fi
  local upstream
  upstream="$(sed -n 's/^Version=//p' "$target/app/application.ini" | head -n 1)"
  printf '%s\n%s\n' "$version" "$upstream" >"$target/VERSION.tmp"
  mv "$target/VERSION.tmp" "$target/VERSION"
  echo "thunderbird $version: unpacked into $target (Thunderbird $upstream)"
}

for version in "${versions[@]}"; do
  fetch_version "$version"
done
