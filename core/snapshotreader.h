// SPDX-License-Identifier: MIT
#pragma once

#include "generationscanner.h"
#include "snapshot.h"

#include <QMutex>

class SystemLayout;

// What to read besides the generations, which are always read.
struct ReadOptions
{
    bool flake = false;
    QString lockPath;  // system path; empty means auto-detect (FlakeLockLocator)
    // Without a configured path, a machine with no lock found is not a failure but a
    // machine without flakes (the tray on a channel-based system); the exporter's enabled
    // flake collector says otherwise.
    bool lockOptional = false;
    // Releases whose branches count as maintained; empty: NixOS's release calendar.
    QStringList supportedReleases;
    bool store = false;  // the Nix database's figures (StoreStatsReader)
    bool boot = false;   // the boot file system and its entries (BootReader)
    // What a reboot would change (Snapshot::rebootChanges), from the Nix database. Store paths
    // never change: a cache keeps the result for its pair of systems, so the database is read
    // only when the booted or the current system changes, or, after a failed read, when
    // retryRebootChanges is set (the monitor sets it at its store refresh interval).
    bool rebootChanges = false;
    bool retryRebootChanges = false;
};

// One synchronous read of the system. Blocking I/O: StatusMonitor runs it off the thread
// that serves requests.
namespace SnapshotReader {
// Real locks are tens of kilobytes; anything this large is not a lock someone wrote.
inline constexpr qint64 MaxLockBytes = 8 * 1024 * 1024;

// What one read keeps for the next, so that a rescan reads only what changed: the systems'
// closures by store path, what a reboot would change for the last booted and current systems,
// and the last lock parsed with the bytes it was parsed from (the
// bytes are compared, not the file's times, which a rewrite within one clock tick keeps).
// A monitor reads first on the thread that starts it, then on its scan thread: read() holds
// the mutex, so one read at a time uses the cache, whatever its thread.
struct Cache
{
    struct Lock
    {
        QByteArray bytes;
        FlakeLock lock;
    };
    QMutex mutex;
    GenerationScanner::Cache generations;
    std::optional<Lock> lock;
    // The last booted and current systems compared, and what was found (nullopt: the
    // database could not tell).
    struct RebootChanges
    {
        QString booted;
        QString current;
        std::optional<SystemDiff> diff;
    };
    std::optional<RebootChanges> reboot;
};

// A full read; nothing is kept.
Snapshot read(const SystemLayout &layout, const ReadOptions &options);
// Reads only what cache does not hold, and keeps what this read used for the next.
Snapshot read(const SystemLayout &layout, const ReadOptions &options, Cache &cache);
} // namespace SnapshotReader
