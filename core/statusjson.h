// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>

struct Assessment;
struct Snapshot;

// The /status document (schema in docs/status-json.md). Bump SchemaVersion on any change
// that is not an added field.
namespace StatusJson {
inline constexpr int SchemaVersion = 1;

QJsonObject toJson(const Snapshot &snapshot, const Assessment &assessment, qint64 now);
} // namespace StatusJson
