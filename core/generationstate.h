// SPDX-License-Identifier: MIT
#pragma once

#include "generation.h"
#include "systemclosure.h"

#include <QList>
#include <QStringList>

#include <optional>

// Everything the generation source knows. Each of current, booted and default may be unknown:
// a container has no /run/booted-system, `nixos-rebuild test` runs a system that is no
// generation, a generation may have been garbage-collected. Unknown is nullopt, never a guess.
struct GenerationState
{
    QList<Generation> generations;                  // ascending by number
    bool generationsListed = false;                 // false: the profiles directory could not
                                                    // be listed, so the generations are unknown
    std::optional<SystemClosure> currentSystem;     // /run/current-system
    std::optional<SystemClosure> bootedSystem;      // /run/booted-system
    std::optional<int> currentGeneration;           // generation equal to currentSystem
    std::optional<int> bootedGeneration;            // generation equal to bootedSystem
    std::optional<int> defaultGeneration;           // target of the system profile (next boot)
    QStringList problems;                           // what could not be read, one line each

    const Generation *generation(int number) const;
    const Generation *current() const { return currentGeneration ? generation(*currentGeneration) : nullptr; }
    bool operator==(const GenerationState &) const = default;
};
