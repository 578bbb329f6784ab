// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

struct Snapshot;

// The head of the channel (or branch) the system's nixpkgs follows, as last seen by a check
// over the network. The check itself lives outside the core (upgradecheck/upgradechecker.h); the
// core only keeps its answer and compares it with the running system.
struct UpgradeState
{
    QString channel;                        // e.g. "nixos-24.11"; empty if a URL was configured
    QString url;                            // what was fetched
    QString headRevision;                   // empty until the first good answer
    std::optional<qint64> headLastModified; // the answer's Last-Modified, seconds since the epoch
    qint64 checkedAt = 0;                   // seconds since the epoch of the last good answer
    bool operator==(const UpgradeState &) const = default;
};

namespace Upgrade {
// The nixpkgs revision the running system was built from: the flake's "nixpkgs" input rev
// if the flake source read one, else the short rev in the running system's NixOS label.
struct LocalNixpkgs
{
    QString revision;
    std::optional<qint64> timestamp; // commit time of that revision, where known
    QString source;                  // "flake" or "label"; empty when nothing is known
};
LocalNixpkgs localNixpkgs(const Snapshot &snapshot);

// The channel to check when none is configured: the flake nixpkgs input's ref when it names
// a channel (nixos-24.11, nixos-unstable-small, nixpkgs-unstable, ...); without a flake
// input, "nixos-" and the release of the running system's label. Empty with *why set when
// the system follows no channel one can name.
QString defaultChannel(const Snapshot &snapshot, QString *why = nullptr);

// Revisions are equal when one is a prefix of the other (a label carries 7 to 12 hex
// digits, a lock and git-revision 40), case-insensitive, and the shorter has 7 or more.
bool sameRevision(const QString &a, const QString &b);

// 1 / 0 when both the head and the local revision are known; nullopt otherwise.
std::optional<bool> pending(const Snapshot &snapshot);
// How far the head is ahead: the head's Last-Modified minus the local commit time (0 when
// not pending); nullopt when either is unknown.
std::optional<qint64> behindSeconds(const Snapshot &snapshot);
} // namespace Upgrade
