// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QUrl>

#include <optional>

struct HttpClientConfig;

// Reads another machine's /status from its exporter.
namespace RemoteStatus {
// Blocks for at most timeoutMs. Credentials and TLS settings come from config (an empty one:
// a plain request, the system's CAs). On failure returns nullopt and one line in *error: what
// went wrong and, for refused credentials or an unverified certificate, what to set.
std::optional<QJsonObject> fetch(const QUrl &url, int timeoutMs, const HttpClientConfig &config, QString *error);
} // namespace RemoteStatus
