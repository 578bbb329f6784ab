# SPDX-License-Identifier: MIT
# Sourced by the tests in this folder. A missing tool skips the test (exit 77, which ctest
# shows as skipped) unless NIXOS_STATUS_REQUIRE_TOOLS=1 makes it a failure.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() {
  [ "${NIXOS_STATUS_REQUIRE_TOOLS:-}" = 1 ] && fail "$* (required: NIXOS_STATUS_REQUIRE_TOOLS=1)"
  echo "SKIP: $*"
  exit 77
}
# need TOOL DEBIAN-PACKAGE NIXPKGS-ATTRIBUTE, with the same words as tests/requiredtool.h.
need() { command -v "$1" >/dev/null || skip "$1 is not on PATH (Debian: $2, nixpkgs: $3)"; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Nix as a plain evaluator: no daemon, no nixbld group, no writes to /nix. State and config
# live in a temporary directory and --readonly-mode computes store paths without adding
# anything, so this runs as root or as any user on a machine that never had Nix.
use_nix() {
  need nix-instantiate nix-bin nix
  export NIX_STATE_DIR=$work/nix/state NIX_LOG_DIR=$work/nix/log NIX_CONF_DIR=$work/nix/conf
  export HOME=$work/home XDG_CACHE_HOME=$work/cache XDG_CONFIG_HOME=$work/config
  unset NIX_PATH NIX_REMOTE
  mkdir -p "$NIX_STATE_DIR" "$NIX_LOG_DIR" "$NIX_CONF_DIR" "$HOME"
  printf 'build-users-group =\n' >"$NIX_CONF_DIR/nix.conf"
}
nixi() { nix-instantiate --readonly-mode "$@"; }

# The nixpkgs lib for lib.evalModules: the copy in the repository, else the shared one.
find_lib() {
  for dir in "$here/nixpkgs-lib/lib" "$src/../shared/third_party/nixpkgs-lib/lib"; do
    [ -f "$dir/default.nix" ] && { nixpkgs_lib=$dir; return; }
  done
  skip "no nixpkgs lib: expected tests/nix/nixpkgs-lib/lib or ../shared/third_party/nixpkgs-lib/lib"
}
