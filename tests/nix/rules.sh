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
# "qint64 bootMinGenerations = 2;" -> "nixos_boot_free_bytes < 2 * nixos_boot_generation_bytes".
boot_generations=$(grep -oP "bootMinGenerations\s*=\s*\K[0-9]+(?=;)" "$src/core/thresholds.h") || fail "no 'bootMinGenerations = N;' in core/thresholds.h"
expect_expr NixOSBootFull "nixos_boot_free_bytes < $boot_generations * nixos_boot_generation_bytes"
expect_expr NixOSAutoUpgradeOverdue "(nixos_maintenance_last_run_timestamp_seconds{unit=~\"nixos-upgrade[.](service|timer)\"}) > $(days autoUpgradeOverdueSeconds) * 24 * 3600"
expect_expr NixGarbageCollectionOverdue "(nixos_maintenance_last_run_timestamp_seconds{unit=~\"nix-gc[.](service|timer)\"}) > $(days garbageCollectionOverdueSeconds) * 24 * 3600"
expect_expr NixpkgsInputStale "nixos_flake_input_age_seconds{input=\"nixpkgs\"} > $(days nixpkgsStaleSeconds) * 24 * 3600"

# Every rule has summary, description and runbook_url, every runbook_url is a heading of
# docs/alerts.md (by the anchor forges make: lower case, punctuation dropped, spaces to -), and
# the unit tests cover every alert. The rules file keeps one rule per "- alert:" line with its
# annotations below it, as it is written.
runbook=$src/docs/alerts.md
anchors=$(sed -n 's/^#\{1,6\} \+//p' "$runbook" | tr '[:upper:]' '[:lower:]' | sed 's/[^a-z0-9 _-]//g; s/ /-/g')
awk '
  /^ *- (alert|record):/ { if (name != "") print name, seen["summary"]+0, seen["description"]+0, url
                          name = $3; url = "-"; delete seen; next }
  name != "" && /^ +(summary|description|runbook_url):/ {
    key = $1; sub(/:$/, "", key); seen[key] = 1
    if (key == "runbook_url") { url = $2; gsub(/"/, "", url) }
  }
  END { if (name != "") print name, seen["summary"]+0, seen["description"]+0, url }
' "$alerts/nixos.rules.yml" >"$work/annotations"
[ -s "$work/annotations" ] || fail "no rules found in nix/alerts/nixos.rules.yml"
while read -r name summary description url; do
  [ "$summary" = 1 ] || fail "$name has no summary annotation"
  [ "$description" = 1 ] || fail "$name has no description annotation"
  [ "$url" != - ] || fail "$name has no runbook_url annotation"
  case $url in
    docs/alerts.md\#*) ;;
    *) fail "$name: runbook_url $url is not docs/alerts.md#<section>" ;;
  esac
  grep -qxF -- "${url#docs/alerts.md#}" <<<"$anchors" || fail "$name: runbook_url $url has no heading in docs/alerts.md"
  grep -qE "alertname: $name\$" "$alerts/nixos.rules.test.yml" || fail "$name has no unit test in nix/alerts/nixos.rules.test.yml"
  echo "$name: summary, description, runbook $url, unit test"
done <"$work/annotations"
