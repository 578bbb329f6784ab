// SPDX-License-Identifier: MIT
#include "statusmonitor.h"

#include "flakelocklocator.h"

#include <QFileInfo>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcMonitor, "nixos.core.monitor", QtInfoMsg)

StatusMonitor::StatusMonitor(const SystemLayout &layout, const Settings &settings, QObject *parent)
    : QObject(parent), m_layout(layout), m_settings(settings)
{
    qRegisterMetaType<Snapshot>();
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(m_settings.debounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &StatusMonitor::scanNow);
    m_rescan.setInterval(m_settings.rescanIntervalMs);
    connect(&m_rescan, &QTimer::timeout, this, &StatusMonitor::scanNow);
    m_storeRefresh.setInterval(m_settings.storeRefreshMs);
    connect(&m_storeRefresh, &QTimer::timeout, this, [this] {
        m_storeDue = true;
        scanNow();
    });
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &StatusMonitor::requestRescan);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &StatusMonitor::requestRescan);
    m_scanContext.moveToThread(&m_scanThread);
    m_scanThread.setObjectName(QStringLiteral("snapshot scanner"));
    m_scanThread.start();
}

StatusMonitor::~StatusMonitor()
{
    // Lets a scan in flight finish; its queued result dies with this object.
    m_scanThread.quit();
    m_scanThread.wait();
}

void StatusMonitor::start()
{
    // The first read is synchronous, so whoever starts the monitor has a complete snapshot
    // before it serves anything; later reads happen on the scan thread.
    applyScan(SnapshotReader::read(m_layout, scanOptions()));
    m_rescan.start();
    if (m_settings.read.store)
        m_storeRefresh.start();
}

void StatusMonitor::requestRescan()
{
    // Not restarted on every event: a steady stream of changes must not postpone the scan.
    if (!m_debounce.isActive())
        m_debounce.start();
}

void StatusMonitor::scanNow()
{
    if (m_scanning) {
        m_rescanPending = true;
        return;
    }
    m_scanning = true;
    QMetaObject::invokeMethod(&m_scanContext, [this, options = scanOptions()] {
        const Snapshot snapshot = SnapshotReader::read(m_layout, options);
        QMetaObject::invokeMethod(this, [this, snapshot] { applyScan(snapshot); }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

ReadOptions StatusMonitor::scanOptions()
{
    ReadOptions options = m_settings.read;
    options.store = m_settings.read.store && m_storeDue;
    m_storeDue = false;
    return options;
}

void StatusMonitor::setUpgradeResult(const SourceStatus &status, const UpgradeState &state)
{
    const bool changed = !(m_snapshot.upgradeStatus == status && m_snapshot.upgrade == state);
    m_snapshot.upgradeStatus = status;
    m_snapshot.upgrade = state;
    if (changed)
        Q_EMIT snapshotChanged(m_snapshot);
}

void StatusMonitor::applyScan(Snapshot snapshot)
{
    m_scanning = false;
    // The store is read at its own interval and the upgrade check happens elsewhere: a scan
    // without them keeps what the last one had.
    if (!snapshot.storeStatus.enabled) {
        snapshot.storeStatus = m_snapshot.storeStatus;
        snapshot.store = m_snapshot.store;
    }
    snapshot.upgradeStatus = m_snapshot.upgradeStatus;
    snapshot.upgrade = m_snapshot.upgrade;
    // collectedAt and durations always differ; compare what the system says.
    Snapshot previous = m_snapshot;
    previous.collectedAt = snapshot.collectedAt;
    previous.generationStatus.seconds = snapshot.generationStatus.seconds;
    previous.flakeStatus.seconds = snapshot.flakeStatus.seconds;
    previous.storeStatus.seconds = snapshot.storeStatus.seconds;
    const bool changed = m_snapshot.collectedAt == 0 || !(previous == snapshot);
    m_snapshot = snapshot;
    updateWatches();
    if (changed) {
        qCDebug(lcMonitor) << "snapshot changed";
        Q_EMIT snapshotChanged(m_snapshot);
    }
    Q_EMIT scanFinished();
    if (m_rescanPending) {
        m_rescanPending = false;
        scanNow();
    }
}

void StatusMonitor::updateWatches()
{
    // Directories, not the links: nixos-rebuild replaces /run/current-system and adds
    // system-N-link by rename, which only the parent directory sees. The lock is watched as a
    // file too, for editors that rewrite it in place.
    QStringList wanted{m_layout.hostPath(QStringLiteral("/run")), m_layout.hostPath(SystemLayout::ProfilesDir)};
    if (m_settings.read.flake) {
        const QString lock = m_snapshot.flake.lockPath.isEmpty()
                                 ? FlakeLockLocator::locate(m_layout, m_settings.read.lockPath)
                                 : m_snapshot.flake.lockPath;
        // Without a lock yet, watch where one would appear.
        const QStringList locks = lock.isEmpty() ? FlakeLockLocator::candidates() : QStringList{lock};
        for (const QString &path : locks) {
            for (const QString &watched : {QFileInfo(path).path(), path}) {
                if (const std::optional<QString> resolved = m_layout.resolve(watched))
                    wanted.append(m_layout.hostPath(*resolved));
            }
        }
    }
    const QStringList watched = m_watcher.directories() + m_watcher.files();
    QStringList missing;
    for (const QString &path : std::as_const(wanted)) {
        if (!watched.contains(path) && QFileInfo::exists(path))
            missing.append(path);
    }
    if (!missing.isEmpty())
        m_watcher.addPaths(missing);
}
