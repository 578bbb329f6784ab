// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// What systemd says about the units that keep a NixOS machine maintained (auto-upgrade,
// garbage collection, store optimisation). Not read by the core: the exporter asks systemd
// over the system D-Bus (exporter/systemdunitwatcher.h) and hands the answer to
// StatusMonitor::setMaintenanceResult; scans carry it over.
struct MaintenanceUnit
{
    QString name;                           // "nixos-upgrade.service", "nix-gc.timer"
    QString activeState;                    // "inactive", "active", "failed", "activating", ...
    QString result;                         // services: "success", "exit-code", ...; empty for timers
    std::optional<qint64> lastRunAt;        // seconds since the epoch: when a service's last run
                                            // ended, when a timer last fired (Persistent= keeps it
                                            // across boots; a service's is lost on reboot)
    std::optional<bool> lastRunSucceeded;   // services whose last run since boot has ended
    std::optional<qint64> nextRunAt;        // timers: when they fire next
    bool isTimer() const { return name.endsWith(QLatin1String(".timer")); }
    bool operator==(const MaintenanceUnit &) const = default;
};

struct MaintenanceState
{
    // The units systemd knows, in Maintenance::unitNames() order; a unit it does not know
    // (not installed, so not in this list) is absent, never "0".
    QList<MaintenanceUnit> units;
    const MaintenanceUnit *unit(const QString &name) const;
    bool operator==(const MaintenanceState &) const = default;
};

namespace Maintenance {
// One job NixOS runs from a timer: a service and the timer that starts it.
struct Task
{
    const char *name;     // "auto-upgrade", "garbage collection", "store optimisation"
    const char *service;  // "nixos-upgrade.service"
    const char *timer;    // "nixos-upgrade.timer"
};
const QList<Task> &tasks();
const Task &autoUpgrade();
const Task &garbageCollection();
// Every service and timer of tasks(), in that order.
QStringList unitNames();

// A task as the findings and words see it.
struct TaskState
{
    bool present = false;                   // the service or the timer exists
    bool scheduled = false;                 // the timer exists and is active (waiting to fire)
    std::optional<qint64> lastRunAt;        // the later of the service's last end and the timer's last firing
    std::optional<bool> lastRunSucceeded;   // the service's last run since boot
    std::optional<qint64> lastSuccessAt;    // when that run ended, if it succeeded
    QString result;                         // the service's Result (why it failed)
    std::optional<qint64> nextRunAt;        // the timer's next firing
};
TaskState state(const MaintenanceState &maintenance, const Task &task);
} // namespace Maintenance
