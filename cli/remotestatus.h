// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QUrl>

#include <optional>

// Reads another machine's /status from its exporter.
namespace RemoteStatus {
// Blocks for at most timeoutMs. On failure returns nullopt and one line in *error.
std::optional<QJsonObject> fetch(const QUrl &url, int timeoutMs, QString *error);
} // namespace RemoteStatus
