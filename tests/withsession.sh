#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# withsession.sh [--display] -- PROGRAM ARGS...: runs a test under a private D-Bus session bus
# (dbus-run-session) and, with --display, on a virtual X display (xvfb-run). A missing
# wrapper skips the test (exit 77, SKIP_RETURN_CODE in tests/CMakeLists.txt) with one line
# naming it, or fails it when NIXOS_STATUS_REQUIRE_TOOLS=1; ctest would otherwise say
# "Not Run", which fails a build.
set -euo pipefail

display=false
while [ $# -gt 0 ]; do
  case $1 in
    --display) display=true; shift ;;
    --) shift; break ;;
    *) echo "withsession.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: withsession.sh [--display] -- PROGRAM ARGS..." >&2; exit 2; }

missing() {
  local why="$1 is not on PATH (Debian: $2, nixpkgs: $3)"
  if [ "${NIXOS_STATUS_REQUIRE_TOOLS:-}" = 1 ]; then
    echo "FAIL: $why and NIXOS_STATUS_REQUIRE_TOOLS=1 requires it" >&2
    exit 1
  fi
  echo "SKIP: $why"
  exit 77
}

command -v dbus-run-session >/dev/null || missing dbus-run-session dbus dbus
command -v dbus-daemon >/dev/null || missing dbus-daemon dbus dbus
# dbus-run-session's default configuration is under the sysconfdir it was built with
# (/etc/dbus-1/session.conf in nixpkgs, absent in the sandbox); the one installed next to the
# binary works everywhere.
bus=(dbus-run-session)
conf=$(dirname "$(readlink -f "$(command -v dbus-run-session)")")/../share/dbus-1/session.conf
[ -f "$conf" ] && bus+=(--config-file="$conf")
bus+=(--)

if $display; then
  command -v xvfb-run >/dev/null || missing xvfb-run xvfb xvfb-run
  exec xvfb-run -a -s "-screen 0 1280x1024x24" "${bus[@]}" "$@"
fi
exec "${bus[@]}" "$@"
