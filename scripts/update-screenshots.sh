#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# update-screenshots.sh [BUILD_DIR]: the README's pictures of the tray, as the test suite draws
# them. tst_trayui (under Xvfb, on the golden and a healthy fixture, with real exporters for
# the fleet) writes them to BUILD_DIR/screenshots; this runs it and copies them into
# docs/screenshots/. Look at them before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rm -rf "$build/screenshots"
ctest --test-dir "$build" -R '^tst_trayui$' --output-on-failure
shopt -s nullglob
shots=("$build"/screenshots/*.png)
[ ${#shots[@]} -gt 0 ] || { echo "update-screenshots.sh: tst_trayui wrote no screenshots (skipped?)" >&2; exit 1; }
cp "${shots[@]}" docs/screenshots/
printf 'docs/screenshots/%s\n' "${shots[@]##*/}"
