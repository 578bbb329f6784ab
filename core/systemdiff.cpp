// SPDX-License-Identifier: MIT
#include "systemdiff.h"

#include "nixdatabase.h"

#include <QJsonValue>

namespace {

QJsonObject sideJson(const SystemDiff::Side &side)
{
    return {{QStringLiteral("name"), side.name},
            {QStringLiteral("store_path"), side.storePath},
            {QStringLiteral("generation"), side.generation ? QJsonValue(*side.generation) : QJsonValue()},
            {QStringLiteral("path_count"), side.pathCount},
            {QStringLiteral("size_bytes"), side.sizeBytes ? QJsonValue(*side.sizeBytes) : QJsonValue()}};
}

std::optional<qint64> optionalInteger(const QJsonValue &value)
{
    return value.isDouble() ? std::optional<qint64>(value.toInteger()) : std::nullopt;
}

std::optional<SystemDiff::Side> sideFromJson(const QJsonValue &json)
{
    if (!json.isObject() || !json[QStringLiteral("store_path")].isString())
        return std::nullopt;
    const std::optional<qint64> generation = optionalInteger(json[QStringLiteral("generation")]);
    return SystemDiff::Side{json[QStringLiteral("name")].toString(), json[QStringLiteral("store_path")].toString(),
                            generation ? std::optional<int>(int(*generation)) : std::nullopt,
                            json[QStringLiteral("path_count")].toInteger(),
                            optionalInteger(json[QStringLiteral("size_bytes")])};
}

} // namespace

std::optional<SystemDiff> SystemDiff::read(NixDatabase &database, Side from, Side to, QString *error)
{
    const std::optional<StoreClosure> before = database.closure(from.storePath, error);
    if (!before) {
        *error = QStringLiteral("%1: %2").arg(from.name, *error);
        return std::nullopt;
    }
    std::optional<StoreClosure> after = before;
    if (to.storePath != from.storePath)
        after = database.closure(to.storePath, error);
    if (!after) {
        *error = QStringLiteral("%1: %2").arg(to.name, *error);
        return std::nullopt;
    }
    from.pathCount = before->pathCount();
    from.sizeBytes = before->sizeBytes();
    to.pathCount = after->pathCount();
    to.sizeBytes = after->sizeBytes();
    return SystemDiff{std::move(from), std::move(to), PackageDiff::between(*before, *after)};
}

QJsonObject SystemDiff::toJson() const
{
    return {{QStringLiteral("from"), sideJson(from)},
            {QStringLiteral("to"), sideJson(to)},
            {QStringLiteral("packages"), packages.toJson()}};
}

std::optional<SystemDiff> SystemDiff::fromJson(const QJsonObject &json)
{
    std::optional<Side> from = sideFromJson(json[QStringLiteral("from")]), to = sideFromJson(json[QStringLiteral("to")]);
    if (!from || !to)
        return std::nullopt;
    return SystemDiff{std::move(*from), std::move(*to), PackageDiff::fromJson(json[QStringLiteral("packages")].toObject())};
}
