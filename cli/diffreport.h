// SPDX-License-Identifier: MIT
#pragma once

#include "packagediff.h"
#include "storeclosure.h"
#include "systemselector.h"

#include <QJsonObject>
#include <QString>

// `nixos-status diff`'s output: the package changes by kind, then the closures' paths and
// size before → after. As text for a person, or JSON (docs/diff-json.md).
namespace DiffReport {
struct Side
{
    SelectedSystem system;
    StoreClosure closure;
};

QString render(const Side &from, const Side &to, const PackageDiff &diff, bool colour);
QJsonObject toJson(const Side &from, const Side &to, const PackageDiff &diff);
} // namespace DiffReport
