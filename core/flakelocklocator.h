// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

class SystemLayout;

// Where the lock file of the running system is, when the user did not say.
namespace FlakeLockLocator {
// Searched in this order; the first that exists wins:
//  1. /run/current-system/flake.lock: the lock the running system was built from, when the
//     NixOS module links it into the system (works for machines deployed from elsewhere);
//  2. /etc/nixos/flake.lock: the usual place of a configuration built on the machine.
QStringList candidates();

// The configured path if set, else the first candidate that resolves to a file; empty if none.
QString locate(const SystemLayout &layout, const QString &configuredPath);
} // namespace FlakeLockLocator
