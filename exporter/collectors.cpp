// SPDX-License-Identifier: MIT
#include "collector.h"

namespace Collectors {

const QList<Collector> &all()
{
    static const QList<Collector> table{
        {QStringLiteral("generation"), true,
         QStringLiteral("system generations: current, booted, default, ages, reboot required"),
         &Snapshot::generationStatus, &renderGeneration},
        {QStringLiteral("flake"), false,
         QStringLiteral("flake.lock inputs: revisions and ages"), &Snapshot::flakeStatus,
         &renderFlake},
        {QStringLiteral("store"), false,
         QStringLiteral("Nix store size, path count and GC roots, the booted and current closures and what a reboot would change, from the Nix database"),
         &Snapshot::storeStatus, &renderStore},
        {QStringLiteral("upgrade"), false,
         QStringLiteral("whether the followed channel has a newer nixpkgs; asks the network"),
         &Snapshot::upgradeStatus, &renderUpgrade},
        {QStringLiteral("boot"), true,
         QStringLiteral("the boot file system: NixOS's entries, free and total bytes, room for a new kernel"),
         &Snapshot::bootStatus, &renderBoot},
        {QStringLiteral("maintenance"), false,
         QStringLiteral("auto-upgrade, garbage collection and store optimisation units and timers; asks systemd on the system D-Bus"),
         &Snapshot::maintenanceStatus, &renderMaintenance},
    };
    return table;
}

const Collector *find(const QString &name)
{
    for (const Collector &collector : all()) {
        if (collector.name == name)
            return &collector;
    }
    return nullptr;
}

QStringList names()
{
    QStringList result;
    for (const Collector &collector : all())
        result.append(collector.name);
    return result;
}

} // namespace Collectors
