#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what the tests need, builds, and runs the whole test suite; then the sanitizer
# suite and the fuzzers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
bash scripts/build.sh --werror
# Tests that need an external tool (promtool, prometheus) fail instead of skipping.
export NIXOS_STATUS_REQUIRE_TOOLS=1
ctest --test-dir build --output-on-failure
# Once more with the clock three years ahead, for this process and every one it starts: no
# test may depend on the day it runs. (Prometheus, a Go program, keeps the real clock; the
# tests compare only what the exporter and they themselves see.)
NO_FAKE_STAT=1 faketime -f +1100d ctest --test-dir build --output-on-failure
# Then the same suite built with ASan and UBSan, and each libFuzzer target for a bounded time
# (README: Fuzzing and sanitizers). NIXOS_STATUS_SANITIZE=0 skips both for a quick local run.
if [ "${NIXOS_STATUS_SANITIZE:-1}" != 0 ]; then
  bash scripts/sanitize.sh
  bash scripts/fuzz.sh --seconds "${NIXOS_STATUS_FUZZ_SECONDS:-60}"
fi
