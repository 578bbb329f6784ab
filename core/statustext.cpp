// SPDX-License-Identifier: MIT
#include "statustext.h"

#include "assessment.h"
#include "snapshot.h"

#include <QDateTime>

namespace StatusText {
namespace {

const QString Separator = QStringLiteral(" · ");

QString plural(qint64 count, const char *unit)
{
    return count == 1 ? QStringLiteral("1 %1").arg(QLatin1String(unit))
                      : QStringLiteral("%1 %2s").arg(count).arg(QLatin1String(unit));
}

QString generationPart(const GenerationState &state)
{
    if (!state.currentSystem)
        return QStringLiteral("generation unknown (running system unreadable)");
    QString text = state.currentGeneration ? QStringLiteral("generation %1").arg(*state.currentGeneration)
                                           : QStringLiteral("running system is no generation");
    if (state.bootedGeneration && state.bootedGeneration != state.currentGeneration)
        text += QStringLiteral(" (booted %1)").arg(*state.bootedGeneration);
    return text;
}

// Said even when unknown (no flake input date, no readable label): silence would read as
// "nothing to worry about".
QString nixpkgsPart(const Snapshot &snapshot, qint64 now)
{
    const std::optional<qint64> nixpkgs = snapshot.nixpkgsTimestamp();
    if (!nixpkgs)
        return QStringLiteral("nixpkgs age unknown");
    return QStringLiteral("nixpkgs %1 old").arg(age(now - *nixpkgs));
}

// Staleness is already said by the ages in the text; reboots and failures are not.
bool toldByAges(const Assessment::Finding &finding)
{
    return finding.code == QLatin1String("generation-stale") || finding.code == QLatin1String("nixpkgs-stale");
}

// The lines also say how full /boot is.
bool toldByLines(const Assessment::Finding &finding)
{
    return toldByAges(finding) || finding.code == QLatin1String("boot-full");
}

// Said only where there is a boot file system to speak of (not in a container).
std::optional<QString> bootPart(const Snapshot &snapshot)
{
    if (!snapshot.bootStatus.ok || snapshot.boot.path.isEmpty())
        return std::nullopt;
    return boot(snapshot.boot.path, snapshot.boot.freeBytes, snapshot.boot.roomForGenerations());
}

// The maintenance lines say when each task last ran and how it went.
bool toldByMaintenance(const Assessment::Finding &finding)
{
    return finding.code == QLatin1String("auto-upgrade-failed") || finding.code == QLatin1String("auto-upgrade-overdue")
           || finding.code == QLatin1String("gc-overdue");
}

QStringList maintenanceLines(const Snapshot &snapshot, qint64 now)
{
    const SourceStatus &status = snapshot.maintenanceStatus;
    if (!status.enabled || status.underWay)
        return {};
    if (!status.ok)
        return {QStringLiteral("maintenance unknown: %1").arg(status.error)};
    QStringList result;
    for (const Maintenance::Task &task : Maintenance::tasks()) {
        const Maintenance::TaskState state = Maintenance::state(snapshot.maintenance, task);
        if (state.present)
            result.append(maintenanceTask(QLatin1String(task.name), state, now));
    }
    return result;
}

} // namespace

QString age(qint64 seconds)
{
    if (seconds < 3600)
        return plural(std::max<qint64>(seconds / 60, 0), "minute");
    if (seconds < 2 * 86400)
        return plural(seconds / 3600, "hour");
    return plural(seconds / 86400, "day");
}

QString bytes(double size, Precision precision)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (size >= 1024 && unit < 4) {
        size /= 1024;
        ++unit;
    }
    const int decimals = unit > 0 && (precision == Precision::Tenths || size < 10) ? 1 : 0;
    return QStringLiteral("%1 %2").arg(size, 0, 'f', decimals).arg(QLatin1String(units[unit]));
}

QString packageChanges(const PackageDiff &diff)
{
    if (diff.isEmpty())
        return QStringLiteral("no packages");
    QStringList counts;
    for (const PackageChange::Kind kind : PackageChange::Kinds) {
        if (const qsizetype count = diff.count(kind))
            counts.append(QStringLiteral("%1 %2").arg(count).arg(PackageDiff::kindName(kind)));
    }
    const qsizetype total = diff.changes.size();
    return QStringLiteral("%1 %2 (%3)")
        .arg(total)
        .arg(total == 1 ? QStringLiteral("package") : QStringLiteral("packages"), counts.join(QStringLiteral(", ")));
}

QString boot(const QString &path, std::optional<qint64> freeBytes, std::optional<qint64> roomForGenerations)
{
    QString text = path + QStringLiteral(": ")
                   + (freeBytes ? QStringLiteral("%1 free").arg(bytes(double(*freeBytes))) : QStringLiteral("free space unknown"));
    if (roomForGenerations)
        text += *roomForGenerations == 0 ? QStringLiteral(", no room for another kernel")
                                         : QStringLiteral(", room for %1 more %2")
                                               .arg(*roomForGenerations)
                                               .arg(QLatin1String(*roomForGenerations == 1 ? "kernel" : "kernels"));
    return text;
}

QString when(qint64 moment, qint64 now)
{
    const QDateTime at = QDateTime::fromSecsSinceEpoch(moment);
    const QDate today = QDateTime::fromSecsSinceEpoch(now).date();
    const QString time = at.toString(QStringLiteral("HH:mm"));
    const int hour = at.time().hour();
    if (at.date() == today)
        return (hour >= 18 ? QStringLiteral("tonight %1") : QStringLiteral("today %1")).arg(time);
    if (at.date() == today.addDays(1))
        return (hour < 6 ? QStringLiteral("tonight %1") : QStringLiteral("tomorrow %1")).arg(time);
    return QStringLiteral("on %1").arg(at.toString(QStringLiteral("yyyy-MM-dd HH:mm")));
}

QString maintenanceTask(const QString &name, const Maintenance::TaskState &state, qint64 now)
{
    QStringList parts;
    if (state.lastRunSucceeded == true && state.lastSuccessAt)
        parts.append(QStringLiteral("last success %1 ago").arg(age(now - *state.lastSuccessAt)));
    else if (state.lastRunSucceeded == false && state.lastRunAt)
        parts.append(QStringLiteral("last run failed %1 ago (%2)").arg(age(now - *state.lastRunAt), state.result));
    else if (state.lastRunAt)
        parts.append(QStringLiteral("last run %1 ago, result unknown").arg(age(now - *state.lastRunAt)));
    else
        parts.append(QStringLiteral("no run known"));
    if (!state.scheduled)
        parts.append(QStringLiteral("no timer active"));
    else if (state.nextRunAt)
        parts.append(QStringLiteral("next run %1").arg(when(*state.nextRunAt, now)));
    else
        parts.append(QStringLiteral("next run unknown"));
    return name + QStringLiteral(": ") + parts.join(QStringLiteral(", "));
}

QString summary(const Snapshot &snapshot, const Assessment &assessment, qint64 now)
{
    QStringList parts{generationPart(snapshot.generations), nixpkgsPart(snapshot, now)};
    for (const Assessment::Finding &finding : assessment.findings) {
        if (!toldByAges(finding))
            parts.append(finding.message);
    }
    return parts.join(Separator);
}

QStringList lines(const Snapshot &snapshot, const Assessment &assessment, qint64 now)
{
    const GenerationState &state = snapshot.generations;
    QStringList result;
    QString running = generationPart(state);
    if (const Generation *current = state.current())
        running = QStringLiteral("generation %1, built %2 ago").arg(current->number).arg(age(now - current->created));
    result.append(running);
    if (state.bootedGeneration && state.bootedGeneration != state.currentGeneration)
        result.append(QStringLiteral("booted generation %1").arg(*state.bootedGeneration));
    result.append(nixpkgsPart(snapshot, now));
    if (const std::optional<QString> boot = bootPart(snapshot))
        result.append(*boot);
    const QStringList maintenance = maintenanceLines(snapshot, now);
    result.append(maintenance);
    for (const Assessment::Finding &finding : assessment.findings) {
        if (!toldByLines(finding) && !(toldByMaintenance(finding) && !maintenance.isEmpty()))
            result.append(finding.message);
    }
    return result;
}

} // namespace StatusText
