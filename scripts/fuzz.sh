#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined; all of our code is
# coverage-instrumented, Qt and yaml-cpp are Debian's) and runs each for a bounded time on a
# copy of its seed corpus in fuzz/corpus/<target>. Any crash, leak, UB report or timeout fails
# the script; the reproducer is left in $FUZZ_BUILD/artifacts/.
# Usage: fuzz.sh [--seconds N] [--quick] [target...]    (default 60 s per target; --quick 10 s)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --quick) seconds=10; shift ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=($(ls fuzz/corpus))

bash scripts/install-deps.sh fuzz
build=${FUZZ_BUILD:-/tmp/nixos-status-fuzz}
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNIXOS_STATUS_BUILD_TESTS=OFF -DNIXOS_STATUS_BUILD_TRAY=OFF -DNIXOS_STATUS_BUILD_FUZZERS=ON \
    "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
    >/dev/null
fi
cmake --build "$build" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp:print_suppressions=0
mkdir -p "$build/artifacts"
summary=()
for target in "${targets[@]}"; do
  work=$build/corpus/$target
  mkdir -p "$work"
  cp -n fuzz/corpus/"$target"/* "$work"/ 2>/dev/null || true
  echo "== fuzz_$target for ${seconds}s"
  log=$build/fuzz_$target.log
  # -max_len 64 KiB takes the real locks; -timeout: one input taking 10 s is a hang.
  if ! "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/artifacts/${target}-" \
        "$work" fuzz/corpus/"$target" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz.sh: fuzz_$target found a problem; reproducer in $build/artifacts/" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 || true)
  summary+=("fuzz_$target: $runs runs in ${seconds}s, $cov, no findings")
done
printf '%s\n' "${summary[@]}"
