// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// Starting nixos-tray with the session: an XDG autostart entry in the user's config
// directory, a copy of resources/autostart/nixos-tray.desktop.
namespace Autostart {
QString entryPath();
bool isEnabled();
bool setEnabled(bool enabled, QString *error);
} // namespace Autostart
