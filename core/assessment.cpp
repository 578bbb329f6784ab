// SPDX-License-Identifier: MIT
#include "assessment.h"

#include "rebootcheck.h"
#include "snapshot.h"
#include "statustext.h"

QString Assessment::levelName(Level level)
{
    switch (level) {
    case Level::Ok: return QStringLiteral("ok");
    case Level::Attention: return QStringLiteral("attention");
    case Level::Error: return QStringLiteral("error");
    }
    Q_UNREACHABLE();
}

Assessment Assessment::of(const Snapshot &snapshot, const Thresholds &thresholds, qint64 now)
{
    Assessment result;
    const auto add = [&](const char *code, Level level, const QString &message, const QString &subject) {
        result.findings.append({QLatin1String(code), level, message,
                                QLatin1String(code) + QLatin1Char(':') + subject});
        result.level = std::max(result.level, level);
    };

    for (const auto &[name, status] : {std::pair{"generation", &snapshot.generationStatus},
                                       std::pair{"flake", &snapshot.flakeStatus}}) {
        if (status->enabled && !status->ok)
            add("source-failed", Level::Error,
                QStringLiteral("cannot read %1 state: %2").arg(QLatin1String(name), status->error),
                QLatin1String(name));
    }

    const GenerationState &state = snapshot.generations;
    if (state.bootedSystem && state.currentSystem) {
        const QList<RebootReason> reasons = RebootCheck::reasons(*state.bootedSystem, *state.currentSystem);
        if (!reasons.isEmpty())
            add("reboot-required", Level::Attention,
                QStringLiteral("reboot required: %1").arg(RebootCheck::describe(reasons)),
                state.currentSystem->storePath);
    }

    if (const Generation *current = state.current()) {
        const qint64 age = now - current->created;
        if (age > thresholds.generationStaleSeconds)
            add("generation-stale", Level::Attention,
                QStringLiteral("generation %1 is %2 old").arg(current->number).arg(StatusText::age(age)),
                QString::number(current->number));
    }

    for (const NixpkgsInputHealth &input : snapshot.flake.nixpkgs) {
        // A pinned revision (no branch) is a choice; a branch that stopped getting updates
        // is not.
        if (!input.ref.isEmpty() && !input.maintained)
            add("nixpkgs-unmaintained", Level::Attention,
                QStringLiteral("flake input %1 follows %2, which gets no more updates").arg(input.input, input.ref),
                input.input + QLatin1Char(':') + input.ref);
    }

    if (const std::optional<qint64> nixpkgs = snapshot.nixpkgsTimestamp()) {
        const qint64 age = now - *nixpkgs;
        if (age > thresholds.nixpkgsStaleSeconds)
            add("nixpkgs-stale", Level::Attention, QStringLiteral("nixpkgs is %1 old").arg(StatusText::age(age)),
                QString::number(*nixpkgs));
    }
    // The next switch with a new kernel would fail to install the boot loader once /boot is
    // full; warn while one or two more still fit.
    const BootState &boot = snapshot.boot;
    if (const std::optional<qint64> room = boot.roomForGenerations(); room && *room < thresholds.bootMinGenerations)
        add("boot-full", Level::Attention, StatusText::boot(boot.path, boot.freeBytes, room), boot.path);

    // systemd forgets a service's result on reboot; the timer's last firing (Persistent=)
    // stays. A failed last run is its own finding, so "overdue" is about runs, not successes:
    // nothing ran for N days means nothing succeeded in them.
    const Maintenance::TaskState upgrade = Maintenance::state(snapshot.maintenance, Maintenance::autoUpgrade());
    if (upgrade.lastRunSucceeded == false)
        add("auto-upgrade-failed", Level::Attention,
            QStringLiteral("auto-upgrade failed %1 ago (%2)").arg(StatusText::age(now - upgrade.lastRunAt.value_or(now)), upgrade.result),
            QLatin1String(Maintenance::autoUpgrade().service));
    const auto overdue = [&](const char *code, const Maintenance::Task &task, qint64 limit) {
        const Maintenance::TaskState state = Maintenance::state(snapshot.maintenance, task);
        if (state.scheduled && state.lastRunSucceeded != false && state.lastRunAt && now - *state.lastRunAt > limit)
            add(code, Level::Attention,
                QStringLiteral("%1 has not run for %2").arg(QLatin1String(task.name), StatusText::age(now - *state.lastRunAt)),
                QString::number(*state.lastRunAt));
    };
    overdue("auto-upgrade-overdue", Maintenance::autoUpgrade(), thresholds.autoUpgradeOverdueSeconds);
    overdue("gc-overdue", Maintenance::garbageCollection(), thresholds.garbageCollectionOverdueSeconds);
    return result;
}

std::optional<qint64> Assessment::nextChange(const Snapshot &snapshot, const Thresholds &thresholds, qint64 now)
{
    // A finding appears once the age is strictly greater than the threshold.
    std::optional<qint64> next;
    const auto consider = [&](qint64 moment) {
        if (moment > now && (!next || moment < *next))
            next = moment;
    };
    if (const Generation *current = snapshot.generations.current())
        consider(current->created + thresholds.generationStaleSeconds + 1);
    if (const std::optional<qint64> nixpkgs = snapshot.nixpkgsTimestamp())
        consider(*nixpkgs + thresholds.nixpkgsStaleSeconds + 1);
    for (const auto &[task, limit] : {std::pair{&Maintenance::autoUpgrade(), thresholds.autoUpgradeOverdueSeconds},
                                      std::pair{&Maintenance::garbageCollection(), thresholds.garbageCollectionOverdueSeconds}}) {
        const Maintenance::TaskState state = Maintenance::state(snapshot.maintenance, *task);
        if (state.scheduled && state.lastRunAt)
            consider(*state.lastRunAt + limit + 1);
    }
    return next;
}
