#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds a demo NixOS tree for `nixos-exporter --root DIR` (and the tray and CLI): eight
# generations over two months, the running generation switched after the last boot with a
# newer kernel (so a reboot is required), and the real NixOS/infra flake.lock linked into
# the running system as the NixOS module does.
# Usage: make-demo-root.sh DIR   (DIR is replaced)
set -euo pipefail
dir=${1:?usage: make-demo-root.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
now=$(date +%s)
day=86400

rm -rf "$dir"
mkdir -p "$dir"/nix/store "$dir"/nix/var/nix/profiles "$dir"/run "$dir"/etc/nixos

# store_path NAME: a store path with a stable fake hash.
store_path() { echo "/nix/store/$(printf '%s' "$1" | sha256sum | cut -c1-32)-$1"; }

# system NUMBER LABEL KERNEL SYSTEMD: a system closure; prints its store path.
system() {
  local number=$1 label=$2 kernel=$3 systemd=$4
  local out k m i s
  out=$(store_path "nixos-system-demo-$label-$number")
  k=$(store_path "linux-$kernel"); m=$(store_path "linux-$kernel-modules")
  i=$(store_path "initrd-linux-$kernel"); s=$(store_path "systemd-$systemd")
  mkdir -p "$dir$k" "$dir$m/lib/modules/$kernel" "$dir$i" "$dir$s/bin" "$dir$out/specialisation"
  touch "$dir$k/bzImage" "$dir$i/initrd"
  printf '%s' "$label" >"$dir$out/nixos-version"
  printf 'systemd 2' >"$dir$out/init-interface-version"
  ln -s "$k/bzImage" "$dir$out/kernel"
  ln -s "$m" "$dir$out/kernel-modules"
  ln -s "$i/initrd" "$dir$out/initrd"
  ln -s "$s" "$dir$out/systemd"
  echo "$out"
}

# generation NUMBER DAYS_AGO LABEL KERNEL SYSTEMD
generation() {
  local path link
  path=$(system "$1" "$3" "$4" "$5")
  link="$dir/nix/var/nix/profiles/system-$1-link"
  ln -s "$path" "$link"
  touch -h -d "@$((now - $2 * day))" "$link"
  echo "$path"
}

generation 40 61 26.05.20260914.1a2b3c4 6.12.41 257.7 >/dev/null
generation 41 54 26.05.20260921.2b3c4d5 6.12.41 257.7 >/dev/null
generation 42 40 26.05.20261005.3c4d5e6 6.12.44 257.7 >/dev/null
generation 43 33 26.05.20261012.4d5e6f7 6.12.44 257.8 >/dev/null
generation 44 26 26.05.20261019.5e6f7a8 6.12.47 257.8 >/dev/null
generation 45 19 26.05.20261026.6f7a8b9 6.12.47 257.8 >/dev/null
booted=$(generation 46 12 26.05.20261102.7a8b9c0 6.12.47 257.8)
# The running system matches the flake.lock below (nixpkgs 33ddeb9 of 2026-08-09, a pinned
# older nixpkgs after a rollback of the input), with a newer kernel than the booted one.
current=$(generation 47 2 26.05.20260809.33ddeb9 6.12.52 257.9)
mkdir -p "$dir$current/specialisation/gaming"

cp "$here/flake.lock" "$dir$current/flake.lock"
ln -s system-47-link "$dir/nix/var/nix/profiles/system"
ln -s "$current" "$dir/run/current-system"
ln -s "$booted" "$dir/run/booted-system"
echo "demo root in $dir: generation 47 running, 46 booted (kernel 6.12.47 -> 6.12.52)"
