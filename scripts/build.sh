#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures and builds into build/. --werror makes warnings in the project's own code errors
# (-DNIXOS_STATUS_WERROR=ON, as CI builds); other arguments go to cmake's configure step.
# The first run configures; a later run with arguments configures again with them added.
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
for arg in "$@"; do
  case $arg in
    --werror) args+=(-DNIXOS_STATUS_WERROR=ON) ;;
    *) args+=("$arg") ;;
  esac
done
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${args[@]}"
elif [ ${#args[@]} -gt 0 ]; then
  cmake -S . -B build "${args[@]}"
fi
cmake --build build
