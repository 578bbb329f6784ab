// SPDX-License-Identifier: MIT
#pragma once

#include "snapshot.h"

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
};

// One full, synchronous read of the system. Blocking I/O: StatusMonitor runs it off the
// thread that serves requests.
namespace SnapshotReader {
// Real locks are tens of kilobytes; anything this large is not a lock someone wrote.
inline constexpr qint64 MaxLockBytes = 8 * 1024 * 1024;

Snapshot read(const SystemLayout &layout, const ReadOptions &options);
} // namespace SnapshotReader
