// SPDX-License-Identifier: MIT
#pragma once

#include "fileid.h"
#include "snapshot.h"
#include "snapshotreader.h"
#include "systemlayout.h"

#include <QFileSystemWatcher>

#include <QHash>
#include <QObject>
#include <QThread>
#include <QTimer>

// Keeps the latest Snapshot of a system fresh: rescans soon after a watched directory
// changes (debounced, so a nixos-rebuild's burst of changes costs one scan) and on a
// periodic timer as a safety net for changes that inotify cannot see. Every scan re-arms the
// watches: a watched directory that vanished is replaced by a watch on its nearest existing
// parent (which sees it come back), and one that came back is watched again. Scans run on a thread
// of their own, one at a time, so the thread that owns the monitor (and serves requests)
// never waits on the disk.
class StatusMonitor : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        ReadOptions read;
        int debounceMs = 150;
        int rescanIntervalMs = 60'000;
        // With read.store: how often the Nix database is read. Scans in between (inotify,
        // the periodic rescan) keep the last store result. With read.rebootChanges: how often
        // a failed read of what a reboot would change is tried again.
        int storeRefreshMs = 5 * 60'000;
    };

    StatusMonitor(const SystemLayout &layout, const Settings &settings, QObject *parent = nullptr);
    ~StatusMonitor() override;

    // Reads the system once (synchronously), then starts the watches and the periodic rescan.
    void start();
    // Asks for a scan soon (debounced).
    void requestRescan();

    const Snapshot &snapshot() const { return m_snapshot; }

    // Merges a result produced outside the core (the network upgrade check, upgradecheck/) into
    // the snapshot; emits snapshotChanged if that changes it. Scans keep it.
    void setUpgradeResult(const SourceStatus &status, const UpgradeState &state);
    // The same for what systemd says about the maintenance units (the exporter's D-Bus reader).
    void setMaintenanceResult(const SourceStatus &status, const MaintenanceState &state);

Q_SIGNALS:
    // Emitted after every scan whose result differs from the previous one.
    void snapshotChanged(const Snapshot &snapshot);
    // Emitted after every scan, changed or not.
    void scanFinished();

private:
    void scanNow();
    void applyScan(Snapshot snapshot);
    void updateWatches();
    QString watchablePath(QString systemPath) const;
    ReadOptions scanOptions();

    const SystemLayout m_layout;
    const Settings m_settings;
    Snapshot m_snapshot;
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    QTimer m_rescan;
    QTimer m_storeRefresh;
    bool m_storeDue = true;  // the next scan reads the store too
    QThread m_scanThread;
    QObject m_scanContext;  // lives in m_scanThread; scans are queued to it
    // What a scan keeps for the next (closures by store path, the parsed lock): a rescan with
    // nothing new reads only links and a few stamps. Used by one scan at a time (its mutex).
    SnapshotReader::Cache m_readCache;
    bool m_scanning = false;
    bool m_rescanPending = false;
    // Host path -> the file it named when its watch was added. inotify watches an inode, not a
    // name: a directory deleted or renamed and made again is a new inode the old watch never sees.
    QHash<QString, FileId> m_watched;
    const QString m_rootHost;          // the layout's root on this machine
    QString m_rootParent;              // its parent, watched for the root's renames
    FileId m_rootId;                   // the root when the watches were last armed
    bool m_armed = false;              // the first watches are set
};
