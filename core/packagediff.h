// SPDX-License-Identifier: MIT
#pragma once

#include "storeclosure.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

// What changed between two closures, package by package, as `nix store diff-closures` sees it:
// paths grouped by package name (StorePathName::packageOf), and a package changed when the
// set of its versions did. Size-only changes (a rebuild with the same version) are not
// listed; the closures' totals show them.
struct PackageChange
{
    enum class Kind { Upgraded, Downgraded, Added, Removed };
    static constexpr Kind Kinds[] = {Kind::Upgraded, Kind::Downgraded, Kind::Added, Kind::Removed};
    Kind kind = Kind::Added;
    QString name;
    // The versions only one side has, in Nix's version order, as diff-closures prints them
    // around its arrow ("1.2 → 1.3"); other versions both sides share are not listed. An
    // empty string is a path without a version (diff-closures' ε).
    QStringList before;
    QStringList after;
    // One side's versions for a person: "1.2, 1.3"; "(no version)" for diff-closures' ε.
    static QString versionsText(const QStringList &versions);
    bool operator==(const PackageChange &) const = default;
};

struct PackageDiff
{
    // Upgraded, downgraded, added, removed; by name within each kind.
    QList<PackageChange> changes;

    // A package on one side only is added or removed; one whose versions changed is upgraded
    // or downgraded by Nix's compareVersions of the highest version that went and the
    // highest that came. When a package kept some versions and only lost (or only gained)
    // others, the change is removed (added), with before (after) empty.
    static PackageDiff between(const StoreClosure &before, const StoreClosure &after);

    qsizetype count(PackageChange::Kind kind) const;
    bool isEmpty() const { return changes.isEmpty(); }
    // {"upgraded": [{"name": "linux", "before": ["6.6.58"], "after": ["6.6.60"]}], "downgraded":
    // [...], "added": [...], "removed": [...]} (docs/diff-json.md)
    QJsonObject toJson() const;
    // The same read back (a fleet host's /status); what is not a list of changes is left out.
    static PackageDiff fromJson(const QJsonObject &json);
    static QString kindName(PackageChange::Kind kind); // "upgraded", ...
    bool operator==(const PackageDiff &) const = default;
};
