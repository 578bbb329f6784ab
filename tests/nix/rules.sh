#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The alert rules load (promtool check rules), pass their unit tests (promtool test rules) and
# use the thresholds of core/thresholds.h.
source "$(dirname "$0")/common.sh"
need promtool prometheus prometheus.cli
alerts=$src/nix/alerts

promtool check rules "$alerts/nixos.rules.yml" || fail "promtool check rules nix/alerts/nixos.rules.yml"
# Rule files in a test file are relative to it.
(cd "$alerts" && promtool test rules nixos.rules.test.yml) || fail "promtool test rules nix/alerts/nixos.rules.test.yml"

# thresholds.h: "qint64 generationStaleSeconds = 7 * Day;" -> the rule "> 7 * 24 * 3600".
days() {
  grep -oP "$1\s*=\s*\K[0-9]+(?=\s*\*\s*Day)" "$src/core/thresholds.h" || fail "no '$1 = N * Day' in core/thresholds.h"
}
expect_expr() {
  grep -qF -- "$2" "$alerts/nixos.rules.yml" || fail "$1 should test '$2' (core/thresholds.h)"
  echo "$1 uses the core threshold: $2"
}
expect_expr NixOSConfigStale "nixos_generation_age_seconds > $(days generationStaleSeconds) * 24 * 3600"
expect_expr NixpkgsInputStale "nixos_flake_input_age_seconds{input=\"nixpkgs\"} > $(days nixpkgsStaleSeconds) * 24 * 3600"
