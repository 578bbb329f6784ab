// SPDX-License-Identifier: MIT
#pragma once

#include "generationstate.h"
#include "storeclosure.h"

#include <QJsonObject>
#include <QMap>
#include <QString>

class SystemLayout;

// `nixos-status generations`: what `nixos-rebuild list-generations` shows (number, build
// date, NixOS version, kernel, specialisations, current/booted/default marks), newest first,
// plus each generation's closure when the Nix database could be read.
namespace GenerationList {
struct Closures
{
    QMap<QString, StoreClosure> byStorePath; // the generations' closures that could be read
    QString error;                           // why not all of them: one line, or empty
};

// Reads the closures of state's generations from the Nix database below layout's root.
Closures readClosures(const SystemLayout &layout, const GenerationState &state);

QString render(const GenerationState &state, const Closures &closures, bool colour);
QJsonObject toJson(const GenerationState &state, const Closures &closures);
} // namespace GenerationList
