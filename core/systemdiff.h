// SPDX-License-Identifier: MIT
#pragma once

#include "packagediff.h"

#include <QJsonObject>
#include <QString>

#include <optional>

class NixDatabase;

// Two systems and what changed between them, from Nix's database: each closure's totals and
// the packages (docs/diff-json.md). What `nixos-status diff` shows, and what /status and the
// metrics say a reboot would change (booted → current).
struct SystemDiff
{
    struct Side
    {
        QString name;                  // "booted", "current", "generation 46" or the path given
        QString storePath;             // the system's top-level store path
        std::optional<int> generation; // the newest generation holding it, when one does
        qint64 pathCount = 0;          // its closure (itself included), filled by read()
        std::optional<qint64> sizeBytes; // unknown when a path was registered without a size
        // A side to read(): the system without its closure's totals.
        static Side of(const QString &name, const QString &storePath, std::optional<int> generation = {})
        {
            return {name, storePath, generation, 0, {}};
        }
        bool operator==(const Side &) const = default;
    };
    Side from;
    Side to;
    PackageDiff packages;

    // Reads both closures (one when both sides are the same system) and compares them; only
    // name, storePath and generation of the sides are used. nullopt with *error, one line
    // starting with the side's name, when a side cannot be read.
    static std::optional<SystemDiff> read(NixDatabase &database, Side from, Side to, QString *error);

    // {"from": {...}, "to": {...}, "packages": {...}}, as docs/diff-json.md describes them.
    QJsonObject toJson() const;
    // The same read back (a fleet host's /status); nullopt when json has no sides.
    static std::optional<SystemDiff> fromJson(const QJsonObject &json);
    bool operator==(const SystemDiff &) const = default;
};
