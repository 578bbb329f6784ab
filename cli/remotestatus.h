// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QUrl>

#include <optional>

// Reads another machine's /status from its exporter.
namespace RemoteStatus {
// "host:9971", "http://host:9971" and "http://host:9971/status" all mean the same.
QUrl statusUrl(const QString &address);

// Blocks for at most timeoutMs. On failure returns nullopt and one line in *error.
std::optional<QJsonObject> fetch(const QUrl &url, int timeoutMs, QString *error);
} // namespace RemoteStatus
