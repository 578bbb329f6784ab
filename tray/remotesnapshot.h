// SPDX-License-Identifier: MIT
#pragma once

#include "snapshot.h"

#include <QJsonObject>

// Another machine's state as its exporter's /status tells it (docs/status-json.md), read back
// into the Snapshot the details view shows: the sources' health, the generations, the flake
// inputs and what a reboot would change. What the document leaves null or out stays unknown; a document without a "sources"
// object (not from an exporter) gives nothing.
namespace RemoteSnapshot {
std::optional<Snapshot> fromStatusJson(const QJsonObject &status);
} // namespace RemoteSnapshot
