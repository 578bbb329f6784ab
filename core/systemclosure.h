// SPDX-License-Identifier: MIT
#pragma once

#include "nixosversion.h"

#include <QString>
#include <QStringList>

class SystemLayout;

// What a NixOS system store path (a generation, /run/current-system, /run/booted-system)
// contains that matters for its state. Paths are resolved system paths; a field is empty
// when the system does not have it or it could not be read.
struct SystemClosure
{
    QString storePath;
    NixosVersion version;          // from <system>/nixos-version
    QString kernelVersion;         // from <system>/kernel-modules/lib/modules/<version>
    QString kernel;                // <system>/kernel
    QString initrd;                // <system>/initrd
    QString kernelModules;         // <system>/kernel-modules
    QString systemd;               // <system>/systemd
    QString initInterfaceVersion;  // contents of <system>/init-interface-version
    QStringList specialisations;   // names under <system>/specialisation

    // Reads the closure that systemPath (a link or a store path) names.
    static SystemClosure read(const SystemLayout &layout, const QString &storePath);
    bool operator==(const SystemClosure &) const = default;
};
