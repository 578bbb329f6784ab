// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>

#include <optional>

// One store path as Nix's database registers it.
struct StorePathInfo
{
    QString path;                  // "/nix/store/<hash>-<name>"
    std::optional<qint64> narSize; // unknown when Nix registered it without a size
    bool operator==(const StorePathInfo &) const = default;
};

// The closure of a store path: the path and everything it references, directly or not, as
// Nix's database records it (what `nix-store -qR` lists). Store paths never change, so a
// closure read once stays true for as long as its top-level path exists.
struct StoreClosure
{
    QString storePath;           // the top-level path, e.g. a NixOS system
    QList<StorePathInfo> paths;  // every path of the closure, storePath included, sorted by path

    qint64 pathCount() const { return paths.size(); }
    // The sum of narSize; unknown when a path has no size.
    std::optional<qint64> sizeBytes() const;
    bool operator==(const StoreClosure &) const = default;
};
