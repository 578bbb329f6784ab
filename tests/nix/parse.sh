#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every .nix file of the repository parses (nix-instantiate --parse).
source "$(dirname "$0")/common.sh"
use_nix

# Tracked and new files, without build trees; find where there is no git.
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  mapfile -t files < <(git -C "$src" ls-files --cached --others --exclude-standard -- '*.nix' | sort -u)
else
  mapfile -t files < <(cd "$src" && find . -name '*.nix' -not -path './build*' -not -path './.git/*' | sort)
fi
# Guard against a listing that silently finds nothing.
for f in flake.nix nix/package.nix nix/modules/exporter.nix; do
  printf '%s\n' "${files[@]}" | grep -qx "\(\./\)\?$f" || fail "$f is missing from the listing"
done

bad=0
for f in "${files[@]}"; do
  [ -f "$src/$f" ] || continue  # deleted but still in the index
  if ! out=$(nixi --parse "$src/$f" 2>&1 >/dev/null); then
    echo "FAIL: $f does not parse:" >&2
    echo "$out" >&2
    bad=$((bad + 1))
  fi
done
[ "$bad" -eq 0 ] || fail "$bad of ${#files[@]} .nix files do not parse"
echo "${#files[@]} .nix files parse"
