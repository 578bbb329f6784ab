// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

// When a machine needs attention. The one source of these defaults: the tray, the CLI,
// /status and the alert rules in nix/alerts/ all use the same numbers.
struct Thresholds
{
    static constexpr qint64 Day = 24 * 3600;
    qint64 generationStaleSeconds = 7 * Day;  // current generation older than this
    qint64 nixpkgsStaleSeconds = 30 * Day;    // nixpkgs commit older than this
    qint64 bootMinGenerations = 2;            // fewer new generations (kernel and initrd) fit on /boot
    // Maintenance (the maintenance collector): no run of a scheduled task for longer than
    // this. NixOS runs both daily by default; 10 days also lets a weekly schedule miss one
    // run before it counts.
    qint64 autoUpgradeOverdueSeconds = 10 * Day;
    qint64 garbageCollectionOverdueSeconds = 10 * Day;
};
