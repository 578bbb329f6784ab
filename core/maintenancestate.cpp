// SPDX-License-Identifier: MIT
#include "maintenancestate.h"

const MaintenanceUnit *MaintenanceState::unit(const QString &name) const
{
    for (const MaintenanceUnit &unit : units) {
        if (unit.name == name)
            return &unit;
    }
    return nullptr;
}

namespace Maintenance {

const QList<Task> &tasks()
{
    // system.autoUpgrade, nix.gc.automatic and nix.optimise.automatic: NixOS defines the
    // services whenever Nix is enabled (nix-gc and nix-optimise) and adds a timer when the
    // option asks for one.
    static const QList<Task> list{
        {"auto-upgrade", "nixos-upgrade.service", "nixos-upgrade.timer"},
        {"garbage collection", "nix-gc.service", "nix-gc.timer"},
        {"store optimisation", "nix-optimise.service", "nix-optimise.timer"},
    };
    return list;
}

const Task &autoUpgrade()
{
    return tasks().at(0);
}

const Task &garbageCollection()
{
    return tasks().at(1);
}

QStringList unitNames()
{
    QStringList names;
    for (const Task &task : tasks())
        names << QLatin1String(task.service) << QLatin1String(task.timer);
    return names;
}

TaskState state(const MaintenanceState &maintenance, const Task &task)
{
    TaskState result;
    const MaintenanceUnit *service = maintenance.unit(QLatin1String(task.service));
    const MaintenanceUnit *timer = maintenance.unit(QLatin1String(task.timer));
    result.present = service || timer;
    const auto later = [&](std::optional<qint64> moment) {
        if (moment && (!result.lastRunAt || *moment > *result.lastRunAt))
            result.lastRunAt = moment;
    };
    if (service) {
        later(service->lastRunAt);
        result.lastRunSucceeded = service->lastRunSucceeded;
        if (service->lastRunSucceeded == true)
            result.lastSuccessAt = service->lastRunAt;
        result.result = service->result;
    }
    if (timer) {
        result.scheduled = timer->activeState == QLatin1String("active");
        later(timer->lastRunAt);
        result.nextRunAt = timer->nextRunAt;
    }
    return result;
}

} // namespace Maintenance
