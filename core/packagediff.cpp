// SPDX-License-Identifier: MIT
#include "packagediff.h"

#include "storepathname.h"

#include <QJsonArray>
#include <QMap>
#include <QSet>

#include <algorithm>

namespace {

using Kind = PackageChange::Kind;

// Package name → its versions in a closure.
QMap<QString, QSet<QString>> packages(const StoreClosure &closure)
{
    QMap<QString, QSet<QString>> byName;
    for (const StorePathInfo &info : closure.paths) {
        const StorePathName::DrvName package = StorePathName::packageOf(StorePathName::of(info.path));
        byName[package.name].insert(package.version);
    }
    return byName;
}

QStringList sortedVersions(const QSet<QString> &versions)
{
    QStringList sorted(versions.begin(), versions.end());
    std::sort(sorted.begin(), sorted.end(), [](const QString &a, const QString &b) {
        const int order = StorePathName::compareVersions(a, b);
        return order != 0 ? order < 0 : a < b;
    });
    return sorted;
}

Kind kindOf(bool hadPackage, bool hasPackage, const QStringList &gone, const QStringList &came)
{
    if (!hadPackage || gone.isEmpty())
        return Kind::Added;
    if (!hasPackage || came.isEmpty())
        return Kind::Removed;
    return StorePathName::compareVersions(came.last(), gone.last()) >= 0 ? Kind::Upgraded : Kind::Downgraded;
}

QJsonArray strings(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QStringList strings(const QJsonValue &list)
{
    QStringList result;
    for (const QJsonValue &value : list.toArray())
        result.append(value.toString());
    return result;
}

} // namespace

PackageDiff PackageDiff::between(const StoreClosure &before, const StoreClosure &after)
{
    const QMap<QString, QSet<QString>> old = packages(before), now = packages(after);
    QSet<QString> names(old.keyBegin(), old.keyEnd());
    for (auto it = now.keyBegin(); it != now.keyEnd(); ++it)
        names.insert(*it);
    PackageDiff diff;
    for (const QString &name : names) {
        const QSet<QString> oldVersions = old.value(name), newVersions = now.value(name);
        const QStringList gone = sortedVersions(oldVersions - newVersions);
        const QStringList came = sortedVersions(newVersions - oldVersions);
        if (gone.isEmpty() && came.isEmpty())
            continue;
        diff.changes.append({kindOf(old.contains(name), now.contains(name), gone, came), name, gone, came});
    }
    std::sort(diff.changes.begin(), diff.changes.end(), [](const PackageChange &a, const PackageChange &b) {
        return a.kind != b.kind ? a.kind < b.kind : a.name < b.name;
    });
    return diff;
}

QString PackageChange::versionsText(const QStringList &versions)
{
    QStringList shown = versions;
    for (QString &version : shown) {
        if (version.isEmpty())
            version = QStringLiteral("(no version)");
    }
    return shown.join(QStringLiteral(", "));
}

qsizetype PackageDiff::count(PackageChange::Kind kind) const
{
    return std::count_if(changes.begin(), changes.end(), [&](const PackageChange &c) { return c.kind == kind; });
}

QString PackageDiff::kindName(PackageChange::Kind kind)
{
    switch (kind) {
    case Kind::Upgraded:
        return QStringLiteral("upgraded");
    case Kind::Downgraded:
        return QStringLiteral("downgraded");
    case Kind::Added:
        return QStringLiteral("added");
    case Kind::Removed:
        return QStringLiteral("removed");
    }
    return {};
}

QJsonObject PackageDiff::toJson() const
{
    QJsonObject json;
    for (const Kind kind : PackageChange::Kinds) {
        QJsonArray list;
        for (const PackageChange &change : changes) {
            if (change.kind == kind)
                list.append(QJsonObject{{QStringLiteral("name"), change.name},
                                        {QStringLiteral("before"), strings(change.before)},
                                        {QStringLiteral("after"), strings(change.after)}});
        }
        json.insert(kindName(kind), list);
    }
    return json;
}

PackageDiff PackageDiff::fromJson(const QJsonObject &json)
{
    PackageDiff diff;
    for (const Kind kind : PackageChange::Kinds) {
        for (const QJsonValue &change : json.value(kindName(kind)).toArray()) {
            if (change.isObject())
                diff.changes.append({kind, change[QStringLiteral("name")].toString(),
                                     strings(change[QStringLiteral("before")]), strings(change[QStringLiteral("after")])});
        }
    }
    return diff;
}
