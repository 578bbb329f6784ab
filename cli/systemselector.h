// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

class SystemLayout;
struct GenerationState;

// Which system a command line means: a generation number, "booted", "current", a store path
// or a link to one (a profile link, /run/current-system).
struct SelectedSystem
{
    QString name;                // "booted", "current", "generation 46" or the path given
    QString storePath;           // the top-level store path, "/nix/store/<hash>-<name>"
    std::optional<int> generation; // the generation it is, when one is
};

namespace SystemSelector {
// One side of `diff`; nullopt with *error (one line) when it names nothing readable.
std::optional<SelectedSystem> select(const SystemLayout &layout, const GenerationState &state,
                                     const QString &argument, QString *error);
// FROM when none is given: the booted system, or the generation before the current one when
// the booted system is the current one (nothing to reboot into, so what the last switch did).
std::optional<SelectedSystem> defaultFrom(const SystemLayout &layout, const GenerationState &state,
                                          QString *error);
} // namespace SystemSelector
