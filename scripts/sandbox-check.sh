#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# sandbox-check.sh [--headless] [BUILD_DIR]: runs nix/package.nix's check (its preCheck and checkPhase:
# `ctest --output-on-failure`) the way the Nix sandbox runs it, on this Debian machine:
#   - no network but loopback (a network namespace of its own, `lo` up),
#   - an empty environment (env -i) with HOME=/homeless-shelter, a fresh TMPDIR, no session
#     bus address and no DISPLAY,
#   - a PATH of one directory holding links to the declared tools only: what stdenv gives
#     every build, nativeBuildInputs and nativeCheckInputs (as their Debian executables).
# --headless checks the nixos-exporter package instead (withTray = false: no tray, and none
# of the tray's check tools on PATH).
# It lists every skipped test with its reason and fails if a test fails, or if one skips that
# is not on the allow-list below. BUILD_DIR (default: build-sandbox/ in the checkout) is
# configured here as package.nix configures it (CMake flags below) when it is new or empty;
# an existing one must have the tests on and the tray as asked. It is brought up to date first.
# Needs root (or unprivileged user namespaces) for unshare, and the test tools:
# scripts/install-deps.sh test.
#
# What it does not emulate: the sandbox's own file system (/usr/bin stays visible here, so a
# static check below refuses test code that names /usr/bin or /bin) and the unprivileged
# nixbld user.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
started=$(date +%s)

# Tests allowed to skip in the sandbox, each with the reason it must give (a part of its
# skip line). Anything else that skips fails this script.
allowed=(
  # tests/nix: nix-instantiate is not a build input (a Nix build cannot run Nix); the
  # project's CI runs these on Debian and `nix flake check` covers the same ground.
  "nix_parse:nix-instantiate is not on PATH"
  "nix_exporter_module:nix-instantiate is not on PATH"
  "nix_exporter_bad_values:nix-instantiate is not on PATH"
  "nix_exporter_contract:nix-instantiate is not on PATH"
  "nix_tray_modules:nix-instantiate is not on PATH"
  "nix_flake_outputs:nix-instantiate is not on PATH"
  "nix_example_stack:nix-instantiate is not on PATH"
  # A Nix build cannot run nix-build either: tst_closurediff and tst_rebootchanges write
  # their stores with it.
  "tst_closurediff:nix-build is not on PATH"
  "tst_rebootchanges:nix-build is not on PATH"
)

# package.nix's configuration: its cmakeFlags and what nixpkgs' cmake setup hook adds.
tray=TRUE
if [ "${1:-}" = --headless ]; then
  tray=FALSE
  shift
fi
cmake_flags=(
  -G Ninja
  -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_SKIP_BUILD_RPATH=ON
  -DBUILD_TESTING=ON
  -DNIXOS_STATUS_BUILD_TRAY:BOOL=$tray
  -DNIXOS_STATUS_BUILD_TESTS:BOOL=TRUE
  -DNIXOS_STATUS_REVISION:STRING=unknown
)

die() { echo "sandbox-check: $*" >&2; exit 1; }

# Test code finds its tools on PATH: a fixed path would work here and fail in the sandbox.
if fixed=$(grep -rnE "[\"'](/usr)?/s?bin/" tests --include='*.cpp' --include='*.h' --include='*.sh' \
  --include=CMakeLists.txt --exclude-dir=nixpkgs-lib); then
  echo "$fixed" >&2
  die "tests name programs by a fixed path; look them up on PATH (tests/requiredtool.h)"
fi

default=$repo/build-sandbox
[ $tray = TRUE ] || default=$repo/build-sandbox-headless
build=${1:-$default}
if [ ! -f "$build/CMakeCache.txt" ]; then
  # A new or empty directory is configured here; anything else is not ours to touch.
  [ ! -e "$build" ] || [ -z "$(ls -A "$build")" ] || die "$build is neither a build directory nor empty"
  cmake -S "$repo" -B "$build" "${cmake_flags[@]}"
fi
build=$(cd "$build" && pwd)
on='(ON|TRUE|1)' off='(OFF|FALSE|0)'
want=$on
[ $tray = TRUE ] || want=$off
grep -qE "^NIXOS_STATUS_BUILD_TESTS:BOOL=$on$" "$build/CMakeCache.txt" &&
  grep -qE "^NIXOS_STATUS_BUILD_TRAY:BOOL=$want$" "$build/CMakeCache.txt" ||
  die "$build is not configured like package.nix (tests on, tray $tray): cmake ${cmake_flags[*]}"
cmake --build "$build" -j"$(nproc)"

work=$(mktemp -d "${TMPDIR:-/tmp}/sandbox-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
bin=$work/bin
tmp=$work/build-tmp
mkdir -p "$bin" "$tmp"
# Run as root, some tests drop to nobody (seteuid) to check unreadable files; nobody must
# reach their trees in TMPDIR. (The sandbox's build user is not root and never does.)
chmod 755 "$work"
chmod 1777 "$tmp"

missing=()
# link NAME [TARGET]: NAME in the sandbox's PATH, pointing at TARGET or at NAME on this PATH.
link() {
  local target=${2:-$(command -v "$1" || true)}
  if [ -z "$target" ]; then
    missing+=("$1")
    return
  fi
  ln -sf "$(readlink -f "$target")" "$bin/$1"
}
# optional NAME...: links the ones this machine has (Debian splits some packages finer).
optional() { local name; for name; do command -v "$name" >/dev/null && link "$name"; done; return 0; }

# stdenv: coreutils findutils diffutils gnused gnugrep gawk gnutar gzip bzip2 xz bash
# gnumake patch file, and the compiler with binutils.
while read -r path; do
  [ -x "$path" ] && [ ! -d "$path" ] && link "$(basename "$path")" "$path"
done < <(dpkg -L coreutils | grep -E '/s?bin/')
for tool in find xargs diff cmp sed grep tar gzip gunzip zcat bzip2 bunzip2 bzcat xz unxz xzcat bash make patch; do
  link "$tool"
done
link sh "$(command -v bash)"  # nixpkgs' sh is bash
link awk
if command -v gawk >/dev/null; then link gawk; else link gawk "$(command -v awk)"; fi
optional diff3 sdiff egrep fgrep file cc c++ gcc g++ cpp ld as ar nm ranlib strip objdump readelf patchelf
# nativeBuildInputs: cmake (with ctest), ninja, pkg-config; wrapQtAppsHook brings no program.
for tool in cmake ctest ninja pkg-config; do link "$tool"; done
# nativeCheckInputs: openssl; prometheus; promtool (prometheus.cli); systemd's
# systemd-socket-activate.
for tool in openssl prometheus promtool systemd-socket-activate; do link "$tool"; done
# With the tray: dbus; xvfb-run with what nixpkgs' xvfb-run wrapper puts on its own PATH (Xvfb,
# xauth, util-linux's getopt and mcookie, which, gawk, coreutils); a python3 with dbusmock;
# imagemagick's import; xwininfo.
if [ $tray = TRUE ]; then
  for tool in dbus-run-session dbus-daemon xvfb-run Xvfb xauth getopt mcookie import xwininfo; do link "$tool"; done
  optional dbus-send dbus-monitor dbus-uuidgen which convert identify magick
  python=
  IFS=: read -ra entries <<<"$PATH"
  for dir in "${entries[@]}"; do
    if [ -x "$dir/python3" ] && "$dir/python3" -c 'import dbusmock' 2>/dev/null; then
      python=$dir/python3
      break
    fi
  done
  link python3 "$python"
fi
[ ${#missing[@]} -eq 0 ] || die "not installed: ${missing[*]} (scripts/install-deps.sh test)"

ip=$(PATH=$PATH:/usr/sbin:/sbin command -v ip) || die "no ip (Debian package iproute2) to bring up lo"
namespace=(unshare --net)
[ "$(id -u)" = 0 ] || namespace=(unshare --user --map-root-user --net)
"${namespace[@]}" -- true || die "cannot make a network namespace (run as root, or allow user namespaces)"

# What the sandbox sets (Nix and stdenv), then preCheck's lines and checkPhase's command.
log=$work/ctest.log
set +e
"${namespace[@]}" -- sh -c '"$0" link set lo up && exec "$@"' "$ip" \
  env -i \
  HOME=/homeless-shelter \
  PATH="$bin" \
  TMPDIR="$tmp" TEMPDIR="$tmp" TMP="$tmp" TEMP="$tmp" \
  NIX_BUILD_CORES="$(nproc)" \
  TERM=xterm-256color \
  SOURCE_DATE_EPOCH=315532800 \
  bash -c 'set -e
    cd "$1"
    export HOME=$(mktemp -d)
    export QT_QPA_PLATFORM=offscreen
    ctest --output-on-failure' sandbox-check "$build" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Skip lines per test from ctest's full log: QtTest's "SKIP   : Class::function() reason",
# the shell tests' "SKIP: reason".
details=$build/Testing/Temporary/LastTest.log
mapfile -t skipped < <(sed -nE 's/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: ([^ ]+) .*\*\*\*Skipped.*/\1/p' "$log")
unexpected=0
if [ ${#skipped[@]} -gt 0 ]; then
  echo
  echo "Skipped in the sandbox:"
fi
for test in "${skipped[@]}"; do
  reasons=$(awk -v name="$test" '
    /^[0-9]+\/[0-9]+ Test: / { current = $3 }
    current == name && /^(SKIP   : |SKIP: )/ { sub(/^SKIP(   :|:) /, ""); print }' "$details" | sort -u)
  [ -n "$reasons" ] || reasons="(no reason given)"
  verdict="NOT ALLOWED"
  for entry in "${allowed[@]}"; do
    if [ "${entry%%:*}" = "$test" ] && ! grep -vqF -- "${entry#*:}" <<<"$reasons"; then
      verdict=allowed
    fi
  done
  [ "$verdict" = allowed ] || unexpected=$((unexpected + 1))
  while IFS= read -r reason; do
    printf '  %-26s %-11s %s\n' "$test" "$verdict" "$reason"
  done <<<"$reasons"
done

echo "sandbox-check: $(($(date +%s) - started)) s"
[ "$status" -eq 0 ] || die "ctest failed in the sandbox (exit $status)"
[ "$unexpected" -eq 0 ] || die "$unexpected test(s) skipped that are not on the allow-list"
echo "sandbox-check: passed"
