// SPDX-License-Identifier: MIT
#pragma once

#include "flakelock.h"

#include <QList>
#include <QString>
#include <QStringList>

// How a flake's nixpkgs is followed: from NixOS itself or a fork, on a branch that still
// gets updates or one that stopped.
struct NixpkgsInputHealth
{
    QString input;     // the root input's name
    QString ref;       // the branch it follows; empty when pinned to a revision
    QString release;   // "26.05" when the branch is a release branch; empty otherwise
    bool official = false;    // github/gitlab NixOS/nixpkgs, or a nixos.org channel tarball
    bool maintained = false;  // an unstable branch, or a release branch still supported
    bool operator==(const NixpkgsInputHealth &) const = default;
};

namespace FlakeHealth {
// The releases NixOS supports at `now`, from its calendar: YY.05 at the end of May and
// YY.11 at the end of November, each supported until a month after the next one is out,
// and counted from a month before its release (when its branch exists). Use a
// configured list instead where the calendar slips.
QStringList supportedReleases(qint64 now);

// The inputs that are nixpkgs (none, one or several), in the lock's order.
QList<NixpkgsInputHealth> nixpkgsInputs(const FlakeLock &lock, const QStringList &supportedReleases);
} // namespace FlakeHealth
