// SPDX-License-Identifier: MIT
#pragma once

#include "maintenancestate.h"

#include <QJsonObject>
#include <QUrl>

struct Assessment;
struct Snapshot;

// The /status document (schema in docs/status-json.md). Bump SchemaVersion on any change
// that is not an added field.
namespace StatusJson {
inline constexpr int SchemaVersion = 1;

QJsonObject toJson(const Snapshot &snapshot, const Assessment &assessment, qint64 now);

// One entry of the document's maintenance.tasks, read back (the CLI's report of a document).
Maintenance::TaskState taskState(const QJsonObject &task);

// Where an exporter serves the document: "host:9971", "http://host:9971" and
// "https://host/prefix/status" all work.
QUrl urlFor(const QString &exporterAddress);
} // namespace StatusJson
