// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QStringList>

// The HTML page at "/": what this is, its version, links, which collectors are on.
namespace LandingPage {
QByteArray html(const QStringList &enabledCollectors);
} // namespace LandingPage
