#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what the tests need, builds, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
bash scripts/build.sh
# Tests that need an external tool (promtool, prometheus) fail instead of skipping.
export NIXOS_STATUS_REQUIRE_TOOLS=1
ctest --test-dir build --output-on-failure
