// SPDX-License-Identifier: MIT
#include "statusmonitor.h"

#include "flakelocklocator.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcMonitor, "nixos.core.monitor", QtInfoMsg)

StatusMonitor::StatusMonitor(const SystemLayout &layout, const Settings &settings, QObject *parent)
    : QObject(parent), m_layout(layout), m_settings(settings), m_rootHost(QDir::cleanPath(layout.hostPath(QStringLiteral("/"))))
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
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, [this](const QString &path) {
        // The root's parent is watched only to see the root renamed away or replaced; its
        // other entries are none of our business.
        if (path == m_rootParent && FileId::of(m_rootHost) == m_rootId)
            return;
        requestRescan();
    });
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
    applyScan(SnapshotReader::read(m_layout, scanOptions(), m_readCache));
    m_rescan.start();
    if (m_settings.read.store || m_settings.read.rebootChanges)
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
        const Snapshot snapshot = SnapshotReader::read(m_layout, options, m_readCache);
        QMetaObject::invokeMethod(this, [this, snapshot] { applyScan(snapshot); }, Qt::QueuedConnection);
    }, Qt::QueuedConnection);
}

ReadOptions StatusMonitor::scanOptions()
{
    ReadOptions options = m_settings.read;
    options.store = m_settings.read.store && m_storeDue;
    options.retryRebootChanges = m_storeDue;
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

void StatusMonitor::setMaintenanceResult(const SourceStatus &status, const MaintenanceState &state)
{
    const bool changed = !(m_snapshot.maintenanceStatus == status && m_snapshot.maintenance == state);
    m_snapshot.maintenanceStatus = status;
    m_snapshot.maintenance = state;
    if (changed)
        Q_EMIT snapshotChanged(m_snapshot);
}

void StatusMonitor::applyScan(Snapshot snapshot)
{
    m_scanning = false;
    // The store is read at its own interval, the upgrade check and systemd's answers come from
    // elsewhere: a scan
    // without them keeps what the last one had.
    if (!snapshot.storeStatus.enabled) {
        snapshot.storeStatus = m_snapshot.storeStatus;
        snapshot.store = m_snapshot.store;
    }
    snapshot.upgradeStatus = m_snapshot.upgradeStatus;
    snapshot.upgrade = m_snapshot.upgrade;
    snapshot.maintenanceStatus = m_snapshot.maintenanceStatus;
    snapshot.maintenance = m_snapshot.maintenance;
    // collectedAt and durations always differ; compare what the system says.
    Snapshot previous = m_snapshot;
    previous.collectedAt = snapshot.collectedAt;
    previous.generationStatus.seconds = snapshot.generationStatus.seconds;
    previous.flakeStatus.seconds = snapshot.flakeStatus.seconds;
    previous.storeStatus.seconds = snapshot.storeStatus.seconds;
    previous.bootStatus.seconds = snapshot.bootStatus.seconds;
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

// The host path itself if it exists, else its nearest existing parent; "/" at worst.
static QString existingAncestor(QString hostPath)
{
    while (!QFileInfo::exists(hostPath)) {
        const QString parent = QFileInfo(hostPath).path();
        if (parent == hostPath || !parent.startsWith(QLatin1Char('/')))
            return QStringLiteral("/");
        hostPath = parent;
    }
    return hostPath;
}

QString StatusMonitor::watchablePath(QString systemPath) const
{
    // A missing directory cannot be watched; its nearest existing parent can, and sees it
    // made again. Parents are taken as the system sees them (links resolve inside the root).
    for (;;) {
        if (const std::optional<QString> resolved = m_layout.resolve(systemPath)) {
            const QString host = m_layout.hostPath(*resolved);
            if (QFileInfo::exists(host))
                return host;
        }
        const QString parent = QFileInfo(systemPath).path();
        if (systemPath == QLatin1String("/") || parent == systemPath)
            break;
        systemPath = parent;
    }
    // The root itself is gone: watch where it would come back.
    return existingAncestor(m_rootHost);
}

void StatusMonitor::updateWatches()
{
    // Directories, not the links: nixos-rebuild replaces /run/current-system and adds
    // system-N-link by rename, which only the parent directory sees. The root is watched so
    // that its own disappearance is seen. The lock is watched as a file too, for editors that
    // rewrite it in place.
    QStringList directories{QStringLiteral("/"), QStringLiteral("/run"), SystemLayout::ProfilesDir};
    QStringList wanted;
    if (m_settings.read.flake) {
        const QString lock = m_snapshot.flake.lockPath.isEmpty()
                                 ? FlakeLockLocator::locate(m_layout, m_settings.read.lockPath)
                                 : m_snapshot.flake.lockPath;
        // Without a lock yet, watch where one would appear.
        const QStringList locks = lock.isEmpty() ? FlakeLockLocator::candidates() : QStringList{lock};
        for (const QString &path : locks) {
            directories.append(QFileInfo(path).path());
            if (const std::optional<QString> resolved = m_layout.resolve(path))
                wanted.append(m_layout.hostPath(*resolved));
        }
    }
    for (const QString &directory : std::as_const(directories))
        wanted.append(watchablePath(directory));
    // Qt does not report a watched directory being renamed (IN_MOVE_SELF), and the watches
    // inside a renamed root follow it away: below "/", the root's parent sees the root go and
    // come back (mv root root.old; mv root.new root).
    if (m_rootHost != QLatin1String("/")) {
        m_rootParent = QFileInfo(m_rootHost).path();
        m_rootId = FileId::of(m_rootHost);
        wanted.append(existingAncestor(m_rootParent));
    }
    wanted.removeDuplicates();

    // Re-arm: drop watches that are no longer wanted (a parent watched while a directory was
    // missing) or whose path now names another file than the watch follows. A few stat calls.
    for (const QString &path : m_watcher.directories() + m_watcher.files()) {
        if (!wanted.contains(path) || FileId::of(path) != m_watched.value(path)) {
            m_watcher.removePath(path);
            m_watched.remove(path);
        }
    }
    const QStringList watched = m_watcher.directories() + m_watcher.files();
    bool added = false;
    for (const QString &path : std::as_const(wanted)) {
        if (watched.contains(path))
            continue;
        // The identity before the watch: if the path is replaced in between, the next scan
        // sees a mismatch and watches it again.
        const FileId id = FileId::of(path);
        if (id != FileId() && m_watcher.addPath(path)) {
            m_watched.insert(path, id);
            added = true;
        }
    }
    // A change between this scan's read and the new watch was seen by neither: read again.
    if (added && m_armed) {
        qCDebug(lcMonitor) << "watches re-armed";
        requestRescan();
    }
    m_armed = true;
}
