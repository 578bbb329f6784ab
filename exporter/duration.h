// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

// Durations as Prometheus writes them: "30s", "5m", "6h", "1h30m", "500ms", "1d", "1w".
namespace Duration {
// Milliseconds; nullopt (with *error) for anything else, zero included.
std::optional<qint64> parse(const QString &text, QString *error = nullptr);
// The shortest such text for a number of milliseconds ("5m", "6h", "1500ms").
QString format(qint64 milliseconds);
} // namespace Duration
