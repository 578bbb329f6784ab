#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs one checks-*.nix file: it evaluates our Nix code with lib.evalModules on stubs and
# either says how many checks passed or throws with every failed one.
source "$(dirname "$0")/common.sh"
use_nix
find_lib
if ! out=$(nixi --eval --strict "$here/$1" --arg lib "import $nixpkgs_lib" 2>&1); then
  echo "$out" >&2
  fail "$1"
fi
echo "$out"
