// SPDX-License-Identifier: MIT
#include "remotesnapshot.h"

#include <QJsonArray>

#include <algorithm>

namespace RemoteSnapshot {
namespace {

std::optional<qint64> number(const QJsonValue &value)
{
    return value.isDouble() ? std::optional(value.toInteger()) : std::nullopt;
}

SourceStatus source(const QJsonValue &value)
{
    SourceStatus status;
    status.enabled = value[QStringLiteral("enabled")].toBool();
    status.ok = value[QStringLiteral("ok")].toBool();
    status.error = value[QStringLiteral("error")].toString();
    return status;
}

SystemClosure closure(const QJsonValue &value)
{
    SystemClosure system;
    system.storePath = value[QStringLiteral("store_path")].toString();
    system.version = NixosVersion::parse(value[QStringLiteral("label")].toString());
    system.kernelVersion = value[QStringLiteral("kernel_version")].toString();
    for (const QJsonValue &name : value[QStringLiteral("specialisations")].toArray())
        system.specialisations.append(name.toString());
    return system;
}

GenerationState generations(const QJsonValue &system)
{
    GenerationState state;
    const auto generationNumber = [&](const char *key) -> std::optional<int> {
        const std::optional<qint64> value = number(system[QLatin1String(key)]);
        return value ? std::optional(int(*value)) : std::nullopt;
    };
    state.currentGeneration = generationNumber("current_generation");
    state.bootedGeneration = generationNumber("booted_generation");
    state.defaultGeneration = generationNumber("default_generation");
    if (const QJsonValue current = system[QStringLiteral("current_system")]; current.isObject())
        state.currentSystem = closure(current);
    if (const QJsonValue booted = system[QStringLiteral("booted_system")]; booted.isObject())
        state.bootedSystem = closure(booted);
    // null: the list is unknown (see StatusJson), which is not "none".
    const QJsonValue list = system[QStringLiteral("generations")];
    state.generationsListed = list.isArray();
    for (const QJsonValue &value : list.toArray()) {
        Generation generation;
        generation.number = value[QStringLiteral("number")].toInt();
        generation.created = value[QStringLiteral("created")].toInteger();
        generation.system = closure(value);
        state.generations.append(generation);
    }
    std::sort(state.generations.begin(), state.generations.end(),
              [](const Generation &a, const Generation &b) { return a.number < b.number; });
    for (const QJsonValue &problem : system[QStringLiteral("problems")].toArray())
        state.problems.append(problem.toString());
    return state;
}

FlakeState flake(const QJsonValue &value)
{
    FlakeState state;
    state.lockPath = value[QStringLiteral("lock_path")].toString();
    state.lock.version = value[QStringLiteral("lock_version")].toInt();
    for (const QJsonValue &object : value[QStringLiteral("inputs")].toArray()) {
        FlakeInput input;
        input.name = object[QStringLiteral("name")].toString();
        input.node = object[QStringLiteral("node")].toString();
        input.type = object[QStringLiteral("type")].toString();
        input.owner = object[QStringLiteral("owner")].toString();
        input.repo = object[QStringLiteral("repo")].toString();
        input.ref = object[QStringLiteral("ref")].toString();
        input.rev = object[QStringLiteral("rev")].toString();
        input.url = object[QStringLiteral("url")].toString();
        input.isFlake = object[QStringLiteral("flake")].toBool(true);
        input.lastModified = number(object[QStringLiteral("last_modified")]);
        state.lock.inputs.append(input);
    }
    for (const QJsonValue &object : value[QStringLiteral("nixpkgs_inputs")].toArray())
        state.nixpkgs.append({object[QStringLiteral("input")].toString(), object[QStringLiteral("ref")].toString(),
                              object[QStringLiteral("release")].toString(), object[QStringLiteral("official")].toBool(),
                              object[QStringLiteral("maintained")].toBool()});
    return state;
}

} // namespace

std::optional<Snapshot> fromStatusJson(const QJsonObject &status)
{
    const QJsonValue sources = status[QStringLiteral("sources")];
    if (!sources.isObject())
        return std::nullopt;
    Snapshot snapshot;
    snapshot.generationStatus = source(sources[QStringLiteral("generation")]);
    snapshot.flakeStatus = source(sources[QStringLiteral("flake")]);
    snapshot.generations = generations(status[QStringLiteral("system")]);
    snapshot.flake = flake(status[QStringLiteral("flake")]);
    snapshot.rebootChanges = SystemDiff::fromJson(status[QStringLiteral("reboot_changes")].toObject());
    return snapshot;
}

} // namespace RemoteSnapshot
