// SPDX-License-Identifier: MIT
#include "statusjson.h"

#include "assessment.h"
#include "rebootcheck.h"
#include "snapshot.h"
#include "upgradestate.h"

#include <QJsonArray>

namespace StatusJson {
namespace {

// Unknown values are null, never a made-up 0 or "".
template<typename T>
QJsonValue optional(const std::optional<T> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonValue text(const QString &value)
{
    return value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value);
}

QJsonObject closureJson(const SystemClosure &closure)
{
    return {
        {QStringLiteral("store_path"), text(closure.storePath)},
        {QStringLiteral("label"), text(closure.version.label)},
        {QStringLiteral("release"), text(closure.version.release)},
        {QStringLiteral("nixpkgs_revision"), text(closure.version.nixpkgsRevision)},
        {QStringLiteral("nixpkgs_timestamp"), optional(closure.version.nixpkgsDate)},
        {QStringLiteral("kernel_version"), text(closure.kernelVersion)},
        {QStringLiteral("specialisations"), QJsonArray::fromStringList(closure.specialisations)},
    };
}

QJsonValue closureJson(const std::optional<SystemClosure> &closure)
{
    return closure ? QJsonValue(closureJson(*closure)) : QJsonValue(QJsonValue::Null);
}

QJsonObject sourceJson(const SourceStatus &status)
{
    // A source that is not read has taken no time: its duration is unknown, not 0.
    return {{QStringLiteral("enabled"), status.enabled},
            {QStringLiteral("ok"), status.ok},
            {QStringLiteral("error"), text(status.error)},
            {QStringLiteral("duration_seconds"), status.enabled ? QJsonValue(status.seconds) : QJsonValue(QJsonValue::Null)}};
}

QJsonObject generationsJson(const GenerationState &state, bool read, qint64 now)
{
    QJsonArray generations;
    for (const Generation &generation : state.generations) {
        QJsonObject object = closureJson(generation.system);
        object.insert(QStringLiteral("number"), generation.number);
        object.insert(QStringLiteral("created"), generation.created);
        object.insert(QStringLiteral("age_seconds"), now - generation.created);
        generations.append(object);
    }
    // Without both systems there is nothing to compare: the reasons are unknown, not none.
    QJsonValue rebootRequired = QJsonValue::Null;
    QJsonValue reasonsValue = QJsonValue::Null;
    if (state.bootedSystem && state.currentSystem) {
        const QList<RebootReason> found = RebootCheck::reasons(*state.bootedSystem, *state.currentSystem);
        rebootRequired = !found.isEmpty();
        QJsonArray reasons;
        for (const RebootReason &reason : found)
            reasons.append(QJsonObject{{QStringLiteral("part"), RebootCheck::partName(reason.part)},
                                       {QStringLiteral("booted"), reason.booted},
                                       {QStringLiteral("current"), reason.current}});
        reasonsValue = reasons;
    }
    return {
        {QStringLiteral("current_generation"), optional(state.currentGeneration)},
        {QStringLiteral("booted_generation"), optional(state.bootedGeneration)},
        {QStringLiteral("default_generation"), optional(state.defaultGeneration)},
        {QStringLiteral("current_system"), closureJson(state.currentSystem)},
        {QStringLiteral("booted_system"), closureJson(state.bootedSystem)},
        {QStringLiteral("reboot_required"), rebootRequired},
        {QStringLiteral("reboot_reasons"), reasonsValue},
        // A failed read (no running system) or an unreadable profiles directory lists no
        // generations: how many there are is unknown, not none.
        {QStringLiteral("generations"), read && state.generationsListed ? QJsonValue(generations) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("problems"), QJsonArray::fromStringList(state.problems)},
    };
}

QJsonObject flakeJson(const FlakeState &flake, bool read, qint64 now)
{
    QJsonArray inputs;
    for (const FlakeInput &input : flake.lock.inputs) {
        inputs.append(QJsonObject{
            {QStringLiteral("name"), input.name},
            {QStringLiteral("node"), input.node},
            {QStringLiteral("type"), input.type},
            {QStringLiteral("owner"), text(input.owner)},
            {QStringLiteral("repo"), text(input.repo)},
            {QStringLiteral("ref"), text(input.ref)},
            {QStringLiteral("rev"), text(input.rev)},
            {QStringLiteral("url"), text(input.url)},
            {QStringLiteral("flake"), input.isFlake},
            {QStringLiteral("last_modified"), optional(input.lastModified)},
            {QStringLiteral("age_seconds"),
             input.lastModified ? QJsonValue(now - *input.lastModified) : QJsonValue(QJsonValue::Null)},
        });
    }
    QJsonArray nixpkgs;
    for (const NixpkgsInputHealth &input : flake.nixpkgs)
        nixpkgs.append(QJsonObject{{QStringLiteral("input"), input.input},
                                   {QStringLiteral("ref"), text(input.ref)},
                                   {QStringLiteral("release"), text(input.release)},
                                   {QStringLiteral("official"), input.official},
                                   {QStringLiteral("maintained"), input.maintained}});
    // A lock that could not be read has unknown inputs, not none.
    return {{QStringLiteral("lock_path"), text(flake.lockPath)},
            {QStringLiteral("nixpkgs_inputs"), read ? QJsonValue(nixpkgs) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("lock_version"), flake.lock.version ? QJsonValue(flake.lock.version)
                                                                : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("inputs"), read ? QJsonValue(inputs) : QJsonValue(QJsonValue::Null)}};
}

QJsonValue storeJson(const Snapshot &snapshot)
{
    if (!snapshot.storeStatus.enabled)
        return QJsonValue::Null;
    const StoreStats &store = snapshot.store;
    return QJsonObject{{QStringLiteral("size_bytes"), optional(store.sizeBytes)},
                       {QStringLiteral("path_count"), optional(store.pathCount)},
                       {QStringLiteral("gc_roots"), optional(store.gcRoots)}};
}

QJsonValue upgradeJson(const Snapshot &snapshot)
{
    if (!snapshot.upgradeStatus.enabled)
        return QJsonValue::Null;
    const UpgradeState &upgrade = snapshot.upgrade;
    const Upgrade::LocalNixpkgs local = Upgrade::localNixpkgs(snapshot);
    return QJsonObject{
        {QStringLiteral("channel"), text(upgrade.channel)},
        {QStringLiteral("url"), text(upgrade.url)},
        {QStringLiteral("head_revision"), text(upgrade.headRevision)},
        {QStringLiteral("head_last_modified"), optional(upgrade.headLastModified)},
        {QStringLiteral("checked_at"), upgrade.checkedAt ? QJsonValue(upgrade.checkedAt) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("local_revision"), text(local.revision)},
        {QStringLiteral("local_source"), text(local.source)},
        {QStringLiteral("pending"), optional(Upgrade::pending(snapshot))},
        {QStringLiteral("behind_seconds"), optional(Upgrade::behindSeconds(snapshot))},
    };
}

QJsonValue bootJson(const Snapshot &snapshot)
{
    if (!snapshot.bootStatus.enabled)
        return QJsonValue::Null;
    const BootState &boot = snapshot.boot;
    return QJsonObject{
        {QStringLiteral("path"), text(boot.path)},
        {QStringLiteral("loader"), text(boot.loader)},
        {QStringLiteral("size_bytes"), optional(boot.sizeBytes)},
        {QStringLiteral("free_bytes"), optional(boot.freeBytes)},
        {QStringLiteral("entries"), optional(boot.entries)},
        {QStringLiteral("entry_bytes"), optional(boot.entryBytes)},
        {QStringLiteral("entries_unknown_reason"), text(boot.entriesUnknown)},
        {QStringLiteral("generation_bytes"), optional(boot.generationBytes)},
        {QStringLiteral("room_for_generations"), optional(boot.roomForGenerations())},
    };
}

QJsonValue maintenanceJson(const Snapshot &snapshot)
{
    if (!snapshot.maintenanceStatus.enabled)
        return QJsonValue::Null;
    // Units systemd does not know are not listed; tasks always are, with "present".
    QJsonArray units;
    for (const MaintenanceUnit &unit : snapshot.maintenance.units)
        units.append(QJsonObject{{QStringLiteral("name"), unit.name},
                                 {QStringLiteral("active_state"), text(unit.activeState)},
                                 {QStringLiteral("result"), text(unit.result)},
                                 {QStringLiteral("last_run_at"), optional(unit.lastRunAt)},
                                 {QStringLiteral("last_run_succeeded"), optional(unit.lastRunSucceeded)},
                                 {QStringLiteral("next_run_at"), optional(unit.nextRunAt)}});
    QJsonArray tasks;
    for (const Maintenance::Task &task : Maintenance::tasks()) {
        const Maintenance::TaskState state = Maintenance::state(snapshot.maintenance, task);
        tasks.append(QJsonObject{{QStringLiteral("name"), QLatin1String(task.name)},
                                 {QStringLiteral("service"), QLatin1String(task.service)},
                                 {QStringLiteral("timer"), QLatin1String(task.timer)},
                                 {QStringLiteral("present"), state.present},
                                 {QStringLiteral("scheduled"), state.scheduled},
                                 {QStringLiteral("last_run_at"), optional(state.lastRunAt)},
                                 {QStringLiteral("last_run_succeeded"), optional(state.lastRunSucceeded)},
                                 {QStringLiteral("last_success_at"), optional(state.lastSuccessAt)},
                                 {QStringLiteral("result"), text(state.result)},
                                 {QStringLiteral("next_run_at"), optional(state.nextRunAt)}});
    }
    return QJsonObject{{QStringLiteral("units"), snapshot.maintenanceStatus.ok ? QJsonValue(units) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("tasks"), snapshot.maintenanceStatus.ok ? QJsonValue(tasks) : QJsonValue(QJsonValue::Null)}};
}

// What a reboot would change: docs/diff-json.md's sides and packages, with the count of each kind.
QJsonValue rebootChangesJson(const Snapshot &snapshot)
{
    if (!snapshot.rebootChanges)
        return QJsonValue::Null;
    const SystemDiff &diff = *snapshot.rebootChanges;
    QJsonObject counts;
    for (const PackageChange::Kind kind : PackageChange::Kinds)
        counts.insert(PackageDiff::kindName(kind), diff.packages.count(kind));
    QJsonObject json = diff.toJson();
    json.insert(QStringLiteral("counts"), counts);
    return json;
}

template<typename T>
std::optional<T> fromJson(const QJsonValue &value)
{
    if (value.isNull() || value.isUndefined())
        return std::nullopt;
    if constexpr (std::is_same_v<T, bool>)
        return value.toBool();
    else
        return value.toInteger();
}

QJsonObject assessmentJson(const Assessment &assessment)
{
    QJsonArray findings;
    for (const Assessment::Finding &finding : assessment.findings)
        findings.append(QJsonObject{{QStringLiteral("code"), finding.code},
                                    {QStringLiteral("level"), Assessment::levelName(finding.level)},
                                    {QStringLiteral("message"), finding.message},
                                    {QStringLiteral("key"), finding.key}});
    return {{QStringLiteral("level"), Assessment::levelName(assessment.level)},
            {QStringLiteral("findings"), findings}};
}

} // namespace

QJsonObject toJson(const Snapshot &snapshot, const Assessment &assessment, qint64 now)
{
    const std::optional<qint64> nixpkgs = snapshot.nixpkgsTimestamp();
    return {
        {QStringLiteral("schema_version"), SchemaVersion},
        {QStringLiteral("generated_at"), now},
        {QStringLiteral("collected_at"), snapshot.collectedAt / 1000},
        {QStringLiteral("assessment"), assessmentJson(assessment)},
        {QStringLiteral("sources"), QJsonObject{{QStringLiteral("generation"), sourceJson(snapshot.generationStatus)},
                                               {QStringLiteral("flake"), sourceJson(snapshot.flakeStatus)},
                                               {QStringLiteral("store"), sourceJson(snapshot.storeStatus)},
                                               {QStringLiteral("upgrade"), sourceJson(snapshot.upgradeStatus)},
                                               {QStringLiteral("boot"), sourceJson(snapshot.bootStatus)},
                                               {QStringLiteral("maintenance"), sourceJson(snapshot.maintenanceStatus)}}},
        {QStringLiteral("system"), generationsJson(snapshot.generations, snapshot.generationStatus.ok, now)},
        {QStringLiteral("flake"), snapshot.flakeStatus.enabled
                                      ? QJsonValue(flakeJson(snapshot.flake, snapshot.flakeStatus.ok, now))
                                      : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("nixpkgs"),
         QJsonObject{{QStringLiteral("timestamp"), optional(nixpkgs)},
                     {QStringLiteral("age_seconds"), nixpkgs ? QJsonValue(now - *nixpkgs) : QJsonValue(QJsonValue::Null)}}},
        {QStringLiteral("store"), storeJson(snapshot)},
        {QStringLiteral("reboot_changes"), rebootChangesJson(snapshot)},
        {QStringLiteral("upgrade"), upgradeJson(snapshot)},
        {QStringLiteral("boot"), bootJson(snapshot)},
        {QStringLiteral("maintenance"), maintenanceJson(snapshot)},
    };
}

Maintenance::TaskState taskState(const QJsonObject &task)
{
    Maintenance::TaskState state;
    state.present = task[QStringLiteral("present")].toBool();
    state.scheduled = task[QStringLiteral("scheduled")].toBool();
    state.lastRunAt = fromJson<qint64>(task[QStringLiteral("last_run_at")]);
    state.lastRunSucceeded = fromJson<bool>(task[QStringLiteral("last_run_succeeded")]);
    state.lastSuccessAt = fromJson<qint64>(task[QStringLiteral("last_success_at")]);
    state.result = task[QStringLiteral("result")].toString();
    state.nextRunAt = fromJson<qint64>(task[QStringLiteral("next_run_at")]);
    return state;
}

QUrl urlFor(const QString &exporterAddress)
{
    QUrl url = QUrl::fromUserInput(exporterAddress.contains(QLatin1String("://"))
                                       ? exporterAddress
                                       : QStringLiteral("http://") + exporterAddress);
    if (!url.path().endsWith(QLatin1String("/status")))
        url.setPath(url.path().chopped(url.path().endsWith(QLatin1Char('/')) ? 1 : 0) + QStringLiteral("/status"));
    return url;
}

} // namespace StatusJson
