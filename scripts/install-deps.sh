#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages a task needs, only those missing, with apt.
# Usage: install-deps.sh build|test|bench|fuzz ...
set -euo pipefail

build=(cmake ninja-build g++ git pkg-config curl
       qt6-base-dev qt6-httpserver-dev qt6-websockets-dev libyaml-cpp-dev zlib1g-dev
       libcrypt-dev  # crypt_r() for bcrypt (basic auth)
       libqt6svg6   # the tray's SVG icons
       libqt6sql6-sqlite)  # the store collector reads the Nix database with Qt's SQLite driver
# Debian 13 and later ship the SVG plugins apart from libqt6svg6 (Debian 12 has them in it).
if apt-cache show qt6-svg-plugins >/dev/null 2>&1; then
  build+=(qt6-svg-plugins)
fi
# A private bus with mock services (the tray's tests; tst_maintenance and tst_prometheus: systemd),
# a display, a screenshot tool, xwininfo (which windows the tray shows).
tray_test=(dbus dbus-x11 python3-dbusmock xvfb xauth imagemagick x11-utils)
# prometheus brings promtool; the end-to-end test runs the server itself.
test=(prometheus
      openssl  # the TLS tests make their certificates
      systemd  # systemd-socket-activate, for the socket activation test
      nix-bin  # nix-instantiate parses and evaluates the Nix files (tests/nix)
      faketime  # scripts/test.sh runs the suite again with the clock years ahead
      make patch  # stdenv has them, so scripts/sandbox-check.sh puts them on the sandbox's PATH
      iproute2)  # ip: sandbox-check.sh brings up loopback in its network namespace
bench=(wrk prometheus-node-exporter nginx-light valgrind)
# libFuzzer (libclang_rt.fuzzer) comes with libclang-rt-14-dev.
fuzz=(clang-14 libclang-rt-14-dev)

wanted=()
for task in "$@"; do
  case $task in
    build) wanted+=("${build[@]}") ;;
    test) wanted+=("${build[@]}" "${test[@]}" "${tray_test[@]}") ;;
    bench) wanted+=("${build[@]}" "${bench[@]}") ;;
    fuzz) wanted+=("${build[@]}" "${fuzz[@]}") ;;
    *) echo "install-deps.sh: unknown task '$task' (build, test, bench, fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
