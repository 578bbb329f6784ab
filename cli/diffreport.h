// SPDX-License-Identifier: MIT
#pragma once

#include "systemdiff.h"

#include <QJsonObject>
#include <QString>

// `nixos-status diff`'s output: the package changes by kind, then the closures' paths and
// size before → after. As text for a person, or JSON (docs/diff-json.md).
namespace DiffReport {
QString render(const SystemDiff &diff, bool colour);
// The document: schema_version and SystemDiff::toJson.
QJsonObject toJson(const SystemDiff &diff);
} // namespace DiffReport
