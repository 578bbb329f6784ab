// SPDX-License-Identifier: MIT
#pragma once

#include "fixturetree.h"

// The fixture behind the golden /metrics file and the end-to-end tests: generations 45 to
// 47, 47 running and default, 46 booted with an older kernel, the real NixOS/infra lock in
// /etc/nixos. Generations 46 and 45 were built 10 and 20 days before 47.
//
// The golden files pin the clock: they build the tree with the default time below and hand
// the code a `now` derived from it. Tests of processes that read the real clock (the exporter,
// the tray) pass a time derived from the current one instead, so that the fixture's ages, and
// with them the findings, are the same on any date.
namespace GoldenFixture {
inline constexpr qint64 Generation47Created = 1'795'000'000;  // 2026-11-18, the golden files' time

struct StorePaths
{
    QString generation46;  // booted
    QString generation47;  // current
};

StorePaths build(FixtureTree &tree, qint64 generation47Created = Generation47Created);

// A machine with nothing to say at `now`: generation 12, built a day before, running and
// booted, from nixpkgs of that day, and no flake.lock (a channel system). Returns its system.
QString buildHealthy(FixtureTree &tree, qint64 now);
} // namespace GoldenFixture
