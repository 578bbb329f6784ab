#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite built with AddressSanitizer and UndefinedBehaviorSanitizer (gcc), in a
# build directory of its own. Any memory error, leak in our code or undefined behaviour fails
# the test that triggers it. Leaks in libraries we do not build (fontconfig, D-Bus, GLib, xcb;
# see scripts/lsan.supp) are suppressed.
# Usage: sanitize.sh [ctest arguments...]    (SANITIZE_BUILD=DIR, default /tmp/nixos-status-sanitize)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
build=${SANITIZE_BUILD:-/tmp/nixos-status-sanitize}
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [ ! -f "$build/build.ninja" ]; then
  # -O1 keeps the instrumented suite fast enough for CI; debug info for the reports.
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" "-DCMAKE_CXX_FLAGS=$flags" \
    "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" >/dev/null
fi
cmake --build "$build"

export NIXOS_STATUS_REQUIRE_TOOLS=1
# fast_unwind_on_malloc=0: full stacks through Qt (built without frame pointers) for reports
# and for the suppressions in scripts/lsan.supp.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp:print_suppressions=0
# The instrumented tests run 2-5 times slower; a test that fails is run once more, so a timing
# assertion on a loaded 2-core CI machine does not fail the run. Sanitizer reports abort the
# test (abort_on_error, halt_on_error), so a deterministic finding fails both attempts.
ctest --test-dir "$build" --output-on-failure --repeat until-pass:2 "$@"
