#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The module and the real exporter agree: the same collectors with the same defaults (from
# --help), and the YAML the module renders from `settings` is a config the exporter starts with.
# Usage: exporter-contract.sh /path/to/nixos-exporter
source "$(dirname "$0")/common.sh"
exporter=${1:?usage: exporter-contract.sh NIXOS_EXPORTER}
[ -x "$exporter" ] || fail "no exporter binary at $exporter"
use_nix
find_lib

# eval_exporter ATTR 'module settings': one attribute of eval-exporter.nix, as raw text.
eval_exporter() {
  local out
  out=$(nixi --eval --strict "$here/eval-exporter.nix" -A "$1" --arg lib "import $nixpkgs_lib" \
    --arg modules "[ { services.prometheus.exporters.nixos = { enable = true; $2 }; } ]" 2>&1) || {
    echo "$out" >&2
    fail "evaluation failed: $2"
  }
  # --eval prints a Nix string: drop the quotes and undo its escapes.
  perl -e '$_ = shift; s/^"|"$//g; s/\\(.)/$1/g; print' "$out"
}

# Collectors and defaults as the exporter's --help lists them: "flake disabled", ...
mapfile -t help < <("$exporter" --help | perl -0777 -ne \
  'while (/--collector\.([\w-]+)\s+Enable the [^(]*\(default:\s+(enabled|disabled)\)/sg) { print "$1 $2\n" }' | sort)
[ ${#help[@]} -gt 0 ] || fail "found no collectors in '$exporter --help'"
names=$(printf '%s\n' "${help[@]}" | cut -d' ' -f1)

# The module's list, from the error its enum gives for an unknown name.
refusal=$(nixi --eval --strict "$here/eval-exporter.nix" -A execStart --arg lib "import $nixpkgs_lib" \
  --arg modules '[ { services.prometheus.exporters.nixos = { enable = true; collectors = [ "?" ]; }; } ]' 2>&1 || true)
module_names=$(grep -o 'one of "[^`]*' <<<"$refusal" | head -1 | grep -o '"[^"]*"' | tr -d '"' | sort)
[ "$names" = "$module_names" ] ||
  fail "collectors differ: exporter has [$(echo $names)], module has [$(echo $module_names)]"
echo "same collectors: $(echo $names)"

# All on: only the ones off by default need a flag; all off: only the ones on by default.
on_flags="" off_flags=""
for entry in "${help[@]}"; do
  set -- $entry
  [ "$2" = disabled ] && on_flags+=" --collector.$1"
  [ "$2" = enabled ] && off_flags+=" --no-collector.$1"
done
quoted=$(printf '"%s" ' $names)
all_on=$(eval_exporter execStart "collectors = [ $quoted];")
[[ "$all_on" == *"--listen=:9971$on_flags" ]] || fail "all collectors on: expected flags '$on_flags' in: $all_on"
all_off=$(eval_exporter execStart "collectors = [ ];")
[[ "$all_off" == *"--listen=:9971$off_flags" ]] || fail "all collectors off: expected flags '$off_flags' in: $all_off"
echo "same defaults: on by default:$off_flags, off by default:$on_flags"

# settings -> the YAML file -> the exporter starts with it and enables what it says.
start_with() {
  printf '%s' "$1" >"$work/exporter.yml"
  mkdir -p "$work/root"
  set +e
  timeout 2 "$exporter" --config "$work/exporter.yml" --root "$work/root" --listen=127.0.0.1:0 >"$work/out" 2>&1
  status=$?
  set -e
}
yaml=$(eval_exporter configText \
  'settings.collectors = { generation.enabled = true; flake = { enabled = true; lock_path = "/etc/nixos/flake.lock"; }; };')
echo "rendered settings: $yaml"
start_with "$yaml"
[ "$status" -eq 124 ] || { cat "$work/out" >&2; fail "the exporter did not keep running with the rendered config (exit $status)"; }
grep -q 'collectors: generation, flake' "$work/out" || { cat "$work/out" >&2; fail "the config did not enable both collectors"; }
echo "the exporter runs with it: $(head -1 "$work/out")"

# The control: a key the exporter does not know stops it, so the check above can fail.
start_with "$(eval_exporter configText 'settings.collectors.flake.lockpath = "/x";')"
[ "$status" -eq 2 ] || { cat "$work/out" >&2; fail "a misspelt key was not refused (exit $status)"; }
echo "a misspelt key is refused: $(head -1 "$work/out")"
