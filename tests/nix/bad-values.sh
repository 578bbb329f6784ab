#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Wrong option values are refused by the module system, with a message naming the option.
source "$(dirname "$0")/common.sh"
use_nix
find_lib

# expect_refusal 'option settings' 'text the error must contain'
expect_refusal() {
  local out
  if out=$(nixi --eval --strict "$here/eval-exporter.nix" -A execStart --arg lib "import $nixpkgs_lib" \
      --arg modules "[ { services.prometheus.exporters.nixos = { enable = true; $1 }; } ]" 2>&1); then
    fail "accepted: $1 (ExecStart $out)"
  fi
  grep -qF -- "$2" <<<"$out" || { echo "$out" >&2; fail "refused, but the message lacks '$2': $1"; }
  echo "refused: $1"
}

expect_refusal 'port = "x";' "services.prometheus.exporters.nixos.port' is not of type"
expect_refusal 'port = 70000;' "services.prometheus.exporters.nixos.port' is not of type"
expect_refusal 'collectors = [ "bogus" ];' 'is not of type `one of "boot", "flake", "generation"'
expect_refusal 'collectors = "flake";' "services.prometheus.exporters.nixos.collectors' is not of type"
expect_refusal 'listenAddress = 9971;' "services.prometheus.exporters.nixos.listenAddress' is not of type"
expect_refusal 'flake.lockPath = "flake.lock";' "services.prometheus.exporters.nixos.flake.lockPath' is not of type"
expect_refusal 'extraFlags = "--collector.flake";' "services.prometheus.exporters.nixos.extraFlags' is not of type"
expect_refusal 'openFirewall = "yes";' "services.prometheus.exporters.nixos.openFirewall' is not of type"
expect_refusal 'settings.collectors = x: x;' "services.prometheus.exporters.nixos.settings.collectors' is not of type"
expect_refusal 'lockPath = "/etc/nixos/flake.lock";' "services.prometheus.exporters.nixos.lockPath' does not exist"
expect_refusal 'settings.listen_addr = ":9100";' "settings.listen_addr: set port and listenAddress instead"
