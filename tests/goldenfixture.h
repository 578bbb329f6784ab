// SPDX-License-Identifier: MIT
#pragma once

#include "fixturetree.h"

// The fixture behind the golden /metrics file and the end-to-end tests: generations 45 to
// 47, 47 running and default, 46 booted with an older kernel, the real NixOS/infra lock in
// /etc/nixos. Link times are fixed so the output can be compared byte for byte.
namespace GoldenFixture {
inline constexpr qint64 Generation47Created = 1'795'000'000;  // 2026-11-18

struct StorePaths
{
    QString generation46;  // booted
    QString generation47;  // current
};

StorePaths build(FixtureTree &tree);
} // namespace GoldenFixture
