// SPDX-License-Identifier: MIT
#pragma once

#include "bootstate.h"
#include "flakehealth.h"
#include "flakelock.h"
#include "generationstate.h"
#include "maintenancestate.h"
#include "storestats.h"
#include "systemdiff.h"
#include "upgradestate.h"

#include <QMetaType>
#include <QString>

// How one source of a snapshot fared in its last collection.
struct SourceStatus
{
    bool enabled = false;
    bool ok = false;
    QString error;           // one line when !ok
    double seconds = 0;      // how long the collection took
    bool underWay = false;   // enabled, but no answer yet (the first upgrade check): not a failure to report
    bool operator==(const SourceStatus &) const = default;
};

struct FlakeState
{
    QString lockPath;        // system path of the lock that was read; empty if none found
    FlakeLock lock;
    QList<NixpkgsInputHealth> nixpkgs;  // the lock's nixpkgs inputs, judged when read
    bool operator==(const FlakeState &) const = default;
};

// Everything known about the system at one moment: an immutable value, cheap to copy (the
// lists are implicitly shared). Ages are not stored; they depend on when one looks.
struct Snapshot
{
    qint64 collectedAt = 0;  // milliseconds since the epoch; 0 before the first collection

    SourceStatus generationStatus;
    GenerationState generations;

    SourceStatus flakeStatus;
    FlakeState flake;

    // Read at its own, longer interval (StatusMonitor::Settings::storeRefreshMs); scans in
    // between carry the last result over.
    SourceStatus storeStatus;
    StoreStats store;
    // What a reboot would change, booted → current, from the Nix database (ReadOptions::
    // rebootChanges): read when either system changes, kept while neither does. nullopt when
    // unknown: not read, no booted or current system, or the database could not tell.
    std::optional<SystemDiff> rebootChanges;

    // Not read by the core: an upgrade check outside it (it uses the network) hands its
    // result to StatusMonitor::setUpgradeResult; scans carry it over.
    SourceStatus upgradeStatus;
    UpgradeState upgrade;

    // The boot file system and NixOS's entries on it, read with every scan (a few stat calls
    // and small files).
    SourceStatus bootStatus;
    BootState boot;
    // Not read by the core either: the exporter asks systemd over D-Bus and hands the answer
    // to StatusMonitor::setMaintenanceResult; scans carry it over.
    SourceStatus maintenanceStatus;
    MaintenanceState maintenance;

    // The nixpkgs commit time the system is on: the flake's "nixpkgs" input if known, else
    // the date in the running system's NixOS label.
    std::optional<qint64> nixpkgsTimestamp() const;

    bool operator==(const Snapshot &) const = default;
};

Q_DECLARE_METATYPE(Snapshot)
