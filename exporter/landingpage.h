// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QStringList>

// The HTML page at "/": what this is, its version, links, which collectors are on.
namespace LandingPage {
// telemetryPath: where the metrics are (--web.telemetry-path), linked relative to "/" so that
// the page also works behind a proxy that adds a prefix.
QByteArray html(const QStringList &enabledCollectors, const QString &telemetryPath = QStringLiteral("/metrics"));
} // namespace LandingPage
