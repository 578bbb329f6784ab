// SPDX-License-Identifier: MIT
#include "collector.h"
#include "exposition.h"

#include <functional>

namespace Collectors {

namespace {
// One family with a sample per unit that has the value; a family no unit has is left out.
void perUnit(Exposition &out, const QList<MaintenanceUnit> &units, const char *name, const char *help,
             const std::function<std::optional<double>(const MaintenanceUnit &)> &value)
{
    out.family(name, help);
    for (const MaintenanceUnit &unit : units) {
        if (const std::optional<double> sample = value(unit))
            out.sample({{"unit", unit.name}}, *sample);
    }
}

template<typename T>
std::optional<double> number(const std::optional<T> &value)
{
    return value ? std::optional<double>(double(*value)) : std::nullopt;
}
} // namespace

void renderMaintenance(const Snapshot &snapshot, qint64, const CollectorOptions &, Exposition &out)
{
    // Units systemd does not have are not in the list, so they have no series at all.
    const QList<MaintenanceUnit> &units = snapshot.maintenance.units;
    perUnit(out, units, "nixos_maintenance_unit_present",
            "1 for each auto-upgrade, garbage collection and store optimisation unit systemd has",
            [](const MaintenanceUnit &) { return 1.0; });
    perUnit(out, units, "nixos_maintenance_unit_active",
            "1 if the unit's ActiveState is active (for a timer: scheduled), else 0",
            [](const MaintenanceUnit &unit) { return unit.activeState == QLatin1String("active") ? 1.0 : 0.0; });
    perUnit(out, units, "nixos_maintenance_last_run_timestamp_seconds",
            "When a service's last run since boot ended, or when a timer last fired",
            [](const MaintenanceUnit &unit) { return number(unit.lastRunAt); });
    perUnit(out, units, "nixos_maintenance_last_run_success",
            "1 if a service's last run since boot succeeded (systemd's Result), 0 if it failed",
            [](const MaintenanceUnit &unit) { return number(unit.lastRunSucceeded); });
    perUnit(out, units, "nixos_maintenance_next_run_timestamp_seconds", "When a timer fires next",
            [](const MaintenanceUnit &unit) { return number(unit.nextRunAt); });
}

} // namespace Collectors
