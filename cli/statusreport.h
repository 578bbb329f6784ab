// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>

// The terminal report of a /status document (docs/status-json.md). The CLI renders the
// document rather than a Snapshot, so that a local system and a remote exporter
// (--remote) look the same and go through one path.
namespace StatusReport {
// Exit codes for scripts: the assessment's level.
enum ExitCode { Ok = 0, Attention = 1, Error = 2 };

QString render(const QJsonObject &status, bool colour);
ExitCode exitCode(const QJsonObject &status);
} // namespace StatusReport
