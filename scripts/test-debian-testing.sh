#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The second CI lane: build with -Werror and run the whole test suite on Debian testing
# (forky: Qt 6.11, GCC 16, CMake 4, Prometheus 3.5, nix 2.34), in a minimal chroot made with
# debootstrap from the archive this machine's apt uses. Needs root (chroot, mounts).
#
# Usage: test-debian-testing.sh [ctest arguments...]
# Environment:
#   NIXOS_STATUS_TESTING_CACHE  where the chroot images are kept between runs
#                               (default /var/cache/nixos-status); delete it to start over
#   NIXOS_STATUS_TESTING_SUITE  the suite to bootstrap (default forky)
#   NIXOS_STATUS_TESTING_MIRROR the Debian archive (default: the one in this machine's apt sources)
#   NIXOS_STATUS_TESTING_KEEP=1 keep the chroot after the run (its path is printed)
# Exit status: 0 passed; 77 skipped because the archive could not be reached; anything else
# is a failure (setup, packages, build or tests).
#
# Two images are cached: the debootstrap base, and the base with the packages of
# `scripts/install-deps.sh test` installed (keyed by that script's content). A run starts from
# a copy of the newest usable one, so a rerun spends its time on the build and the tests.
# The project's files as git sees them (tracked, and new ones not ignored yet, as they are in
# the work tree, uncommitted edits included) are copied in; build directories are not.
set -euo pipefail
cd "$(dirname "$0")/.."
project=$PWD
suite=${NIXOS_STATUS_TESTING_SUITE:-forky}
cache=${NIXOS_STATUS_TESTING_CACHE:-/var/cache/nixos-status}
base=$cache/debian-$suite-base
skipped=77
started=$(date +%s)
step_started=$started
timings=()

say() { echo "test-debian-testing: $*"; }
skip() {
  echo "########## SKIPPED: Debian $suite lane: $* ##########" >&2
  exit $skipped
}
step_done() {
  local now
  now=$(date +%s)
  timings+=("$1 $((now - step_started)) s")
  step_started=$now
}

[ "$(id -u)" -eq 0 ] || { say "must run as root (debootstrap, chroot, mounts)" >&2; exit 2; }
for tool in debootstrap git; do
  command -v $tool >/dev/null || { say "needs $tool (apt-get install $tool)" >&2; exit 2; }
done

# The archive this machine's apt uses, from its sources (deb822 or one-line format).
mirror=${NIXOS_STATUS_TESTING_MIRROR:-}
[ -n "$mirror" ] || for sources in /etc/apt/sources.list.d/*.sources; do
  [ -f "$sources" ] || continue
  mirror=$(awk '$1 == "URIs:" && $2 ~ /debian\/?$/ {print $2; exit}' "$sources")
  [ -n "$mirror" ] && break
done
if [ -z "$mirror" ]; then
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
           | awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) {print $i; exit}}')
fi
[ -n "$mirror" ] || { say "no Debian archive found in /etc/apt sources" >&2; exit 2; }

mkdir -p "$cache"
# Serialise runs sharing one cache: images are written in place.
exec 9>"$cache/.lock"
flock 9

# The image with the test packages, for this version of install-deps.sh.
deps_key=$(sha256sum scripts/install-deps.sh | cut -c1-16)
deps_image=$cache/debian-$suite-deps-$deps_key

# Base image: minbase plus what the run itself needs (not needed while the package image is
# current).
if [ ! -e "$deps_image/.complete" ] && [ ! -e "$base/.complete" ]; then
  say "bootstrapping Debian $suite from $mirror into $base"
  rm -rf "$base"
  script=$suite
  # debootstrap from an older release may not know a newer suite name: those bootstrap like sid.
  [ -e "/usr/share/debootstrap/scripts/$suite" ] || script=/usr/share/debootstrap/scripts/sid
  log=$cache/debootstrap-$suite.log
  if ! debootstrap --variant=minbase --include=ca-certificates "$suite" "$base" "$mirror" "$script" >"$log" 2>&1; then
    tail -n 5 "$log" >&2
    rm -rf "$base"
    # A download that failed is the archive being out of reach; anything else is a failure.
    if grep -qiE "failed getting release|couldn't download|failed to download|unable to fetch|could not resolve|temporary failure|connection (refused|timed out)|network is unreachable" "$log"; then
      skip "debootstrap could not reach $mirror (log: $log)"
    fi
    say "debootstrap failed (log: $log)" >&2
    exit 1
  fi
  echo "deb $mirror $suite main" >"$base/etc/apt/sources.list"
  # A testing suite's Release file may be past its Valid-Until when the clock is ahead of it.
  echo 'Acquire::Check-Valid-Until "false";' >"$base/etc/apt/apt.conf.d/99nixos-status-no-valid-until"
  # Package scripts start no services inside the chroot.
  printf '#!/bin/sh\nexit 101\n' >"$base/usr/sbin/policy-rc.d"
  chmod +x "$base/usr/sbin/policy-rc.d"
  touch "$base/.complete"
fi

image=$base
[ -e "$deps_image/.complete" ] && image=$deps_image

scratch=$(mktemp -d "/tmp/nixos-status-$suite.XXXXXX")
root=$scratch/root
mounted=()
cleanup() {
  local d
  for d in "${mounted[@]}"; do umount -l "$d" 2>/dev/null || true; done
  if grep -q " $scratch[/ ]" /proc/mounts; then
    say "mounts left under $scratch, not removing it" >&2
    return
  fi
  if [ -n "${NIXOS_STATUS_TESTING_KEEP:-}" ]; then say "chroot kept at $scratch"; else rm -rf "$scratch"; fi
}
trap cleanup EXIT
mount_in() {  # mount_in TARGET mount arguments...
  local target=$1
  shift
  mkdir -p "$target"
  mount "$@" "$target"
  mounted=("$target" "${mounted[@]}")
}

say "chroot from $(basename "$image")"
# The image stays as it is: the run writes to an overlay (or, without overlayfs, to a copy).
mkdir -p "$scratch/upper" "$scratch/overlay-work" "$root"
if mount -t overlay overlay -o "lowerdir=$image,upperdir=$scratch/upper,workdir=$scratch/overlay-work" "$root" 2>/dev/null; then
  mounted=("$root")
else
  cp -a "$image/." "$root/"
fi
mkdir -p "$root/work/project"
# Tracked and new files as they are now; a tracked file deleted in the work tree is left out.
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
  [ -e "$file" ] || [ -L "$file" ] && printf '%s\0' "$file"
done | tar --null -T - -cf - | tar -xf - -C "$root/work/project"
revision=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
for d in proc sys dev dev/pts; do mount_in "$root/$d" --bind "/$d"; done
mount_in "$root/tmp" -t tmpfs tmpfs
# Downloaded packages are kept, so a change to the package list downloads only what is new.
mkdir -p "$cache/apt-archives-$suite/partial"
mount_in "$root/var/cache/apt/archives" --bind "$cache/apt-archives-$suite"
step_done chroot

in_chroot() {
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM=dumb CI=true DEBIAN_FRONTEND=noninteractive "$@"
}

if [ "$image" = "$base" ]; then
  say "installing the test packages (install-deps.sh test)"
  if ! in_chroot apt-get update -qq; then
    skip "apt-get update could not reach $mirror"
  fi
  in_chroot bash -c 'cd /work/project && bash scripts/install-deps.sh test'
  # Keep it for the next run (without the project, the mounts are not in the copy).
  rm -rf "$deps_image.tmp"
  mkdir -p "$deps_image.tmp"
  tar -C "$root" --exclude=./proc --exclude=./sys --exclude=./dev --exclude=./tmp --exclude=./work \
    --exclude=./var/cache/apt/archives -cf - . \
    | tar -xf - -C "$deps_image.tmp"
  mkdir -p "$deps_image.tmp/proc" "$deps_image.tmp/sys" "$deps_image.tmp/dev" "$deps_image.tmp/tmp" \
    "$deps_image.tmp/var/cache/apt/archives"
  chmod 1777 "$deps_image.tmp/tmp"
  touch "$deps_image.tmp/.complete"
  rm -rf "$deps_image"
  mv "$deps_image.tmp" "$deps_image"
  # Older package images are of no further use.
  for old in "$cache/debian-$suite-deps-"*; do
    [ "$old" = "$deps_image" ] || rm -rf "$old"
  done
else
  # Cached: install-deps.sh finds everything installed and does nothing.
  in_chroot bash -c 'cd /work/project && bash scripts/install-deps.sh test'
fi
# shellcheck disable=SC2016  # expanded in the chroot
in_chroot bash -c 'echo "Qt $(dpkg-query -W -f="\${Version}" qt6-base-dev); $(g++ --version | head -n1);
  $(cmake --version | head -n1); $(prometheus --version 2>&1 | head -n1); $(nix-instantiate --version)"'
step_done apt

# Release as nixpkgs builds it; the project's own code with -Werror.
build_status=0
in_chroot bash -c "cd /work/project && cmake -S . -B /tmp/build -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DNIXOS_STATUS_WERROR=ON -DNIXOS_STATUS_REVISION=$revision >/dev/null && cmake --build /tmp/build" \
  || build_status=$?
step_done build

test_status=0
if [ $build_status -eq 0 ]; then
  ctest_args=("$@")
  in_chroot NIXOS_STATUS_REQUIRE_TOOLS=1 ctest --test-dir /tmp/build --output-on-failure "${ctest_args[@]}" \
    || test_status=$?
  step_done ctest
fi

say "Debian $suite lane: ${timings[*]/%/,} total $(( $(date +%s) - started )) s"
if [ $build_status -ne 0 ]; then say "FAILED: the build (exit $build_status)" >&2; exit 1; fi
if [ $test_status -ne 0 ]; then say "FAILED: tests (ctest exit $test_status)" >&2; exit 1; fi
say "passed"
