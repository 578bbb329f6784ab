#!/bin/sh
# SPDX-License-Identifier: MIT
# links-no-gui.sh BINARY: the headless exporter loads no Qt Gui or Widgets library (DBus it may:
# the maintenance collector asks systemd on the system bus; libQt6DBus needs no Gui).
# The dynamic loader lists what it would load when LD_TRACE_LOADED_OBJECTS is set (what ldd
# does), so no tool is needed; seeing libQt6Core proves the list is real, not empty.
set -eu
binary=${1:?usage: links-no-gui.sh BINARY}
list=$(LD_TRACE_LOADED_OBJECTS=1 "$binary") || { echo "FAIL: the loader could not list $binary's libraries" >&2; exit 1; }
echo "$list"
case $list in
  *libQt6Core.so*) ;;
  *) echo "FAIL: no libQt6Core in the list, so it shows nothing about $binary" >&2; exit 1 ;;
esac
bad=$(echo "$list" | grep -E 'libQt6(Gui|Widgets)\.so' || true)
if [ -n "$bad" ]; then
  echo "FAIL: $binary loads Qt libraries a server does not need:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "OK: libQt6Core, and no libQt6Gui or libQt6Widgets"
