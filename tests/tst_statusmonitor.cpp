// SPDX-License-Identifier: MIT
#include "fixturetree.h"
#include "statusmonitor.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

namespace {
constexpr qint64 T0 = 1'700'000'000;

QString lockWithNixpkgsAt(qint64 lastModified)
{
    return QStringLiteral(R"({"nodes": {"nixpkgs": {"locked": {"lastModified": %1, "owner": "NixOS",
        "repo": "nixpkgs", "rev": "0123456789abcdef0123456789abcdef01234567", "type": "github"},
        "original": {"owner": "NixOS", "repo": "nixpkgs", "type": "github"}},
        "root": {"inputs": {"nixpkgs": "nixpkgs"}}}, "root": "root", "version": 7})")
        .arg(lastModified);
}
} // namespace

class TestStatusMonitor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void firstSnapshotIsThereAfterStart();
    void switchShowsWithinASecond();
    void newGenerationShows();
    void lockEditShows();
    void unchangedRescanEmitsNothing();
    void newLockIsNoticed();
    void profilesDirRecreatedIsWatchedAgain();
    void profilesDirReplacedAtOnceIsWatchedAgain();
    void lockDirRecreatedIsWatchedAgain();
    void vanishedRootIsWatchedAgain();
    void deletedRootIsWatchedAgain();
    void rearmingSettles();
    void realRootStarts();

private:
    FixtureTree *m_tree = nullptr;
    QString m_system1;
    QString m_system2;
};

void TestStatusMonitor::init()
{
    m_tree = new FixtureTree;
    FixtureTree::SystemSpec spec;
    spec.name = QStringLiteral("one");
    m_system1 = m_tree->addSystem(spec);
    spec.name = QStringLiteral("two");
    spec.kernelVersion = QStringLiteral("6.6.5");
    m_system2 = m_tree->addSystem(spec);
    m_tree->addGeneration(1, m_system1, T0);
    m_tree->addGeneration(2, m_system2, T0 + 60);
    m_tree->setDefaultGeneration(1);
    m_tree->setCurrentSystem(m_system1);
    m_tree->setBootedSystem(m_system1);
    m_tree->writeFile(QStringLiteral("/etc/nixos/flake.lock"), lockWithNixpkgsAt(T0).toUtf8());
}

void TestStatusMonitor::cleanup()
{
    delete m_tree;
    m_tree = nullptr;
}

void TestStatusMonitor::firstSnapshotIsThereAfterStart()
{
    StatusMonitor monitor(SystemLayout(m_tree->root()), {});
    QSignalSpy changed(&monitor, &StatusMonitor::snapshotChanged);
    monitor.start();
    QCOMPARE(changed.count(), 1);
    QCOMPARE(monitor.snapshot().generations.currentGeneration, std::optional<int>(1));
}

void TestStatusMonitor::switchShowsWithinASecond()
{
    StatusMonitor monitor(SystemLayout(m_tree->root()), {});
    monitor.start();
    QSignalSpy changed(&monitor, &StatusMonitor::snapshotChanged);
    // What `nixos-rebuild switch` does to /run: a new link renamed over the old one.
    m_tree->setCurrentSystem(m_system2);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().generations.currentGeneration, std::optional<int>(2), 1000);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(monitor.snapshot().generations.bootedGeneration, std::optional<int>(1));
}

void TestStatusMonitor::newGenerationShows()
{
    StatusMonitor monitor(SystemLayout(m_tree->root()), {});
    monitor.start();
    m_tree->addGeneration(3, m_system2, T0 + 120);
    m_tree->setDefaultGeneration(3);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().generations.generations.size(), 3, 1000);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().generations.defaultGeneration, std::optional<int>(3), 1000);
}

void TestStatusMonitor::lockEditShows()
{
    StatusMonitor::Settings settings;
    settings.read.flake = true;
    StatusMonitor monitor(SystemLayout(m_tree->root()), settings);
    monitor.start();
    QCOMPARE(monitor.snapshot().nixpkgsTimestamp(), std::optional<qint64>(T0));
    // `nix flake update` rewrites the lock in place.
    m_tree->writeFile(QStringLiteral("/etc/nixos/flake.lock"), lockWithNixpkgsAt(T0 + 86400).toUtf8());
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().nixpkgsTimestamp(), std::optional<qint64>(T0 + 86400), 1000);
}

void TestStatusMonitor::unchangedRescanEmitsNothing()
{
    StatusMonitor::Settings settings;
    settings.rescanIntervalMs = 20;
    StatusMonitor monitor(SystemLayout(m_tree->root()), settings);
    monitor.start();
    QSignalSpy changed(&monitor, &StatusMonitor::snapshotChanged);
    QSignalSpy scanned(&monitor, &StatusMonitor::scanFinished);
    QTRY_VERIFY(scanned.count() >= 3);
    QCOMPARE(changed.count(), 0);
}

void TestStatusMonitor::newLockIsNoticed()
{
    QVERIFY(QFile::remove(m_tree->hostPath(QStringLiteral("/etc/nixos/flake.lock"))));
    StatusMonitor::Settings settings;
    settings.read.flake = true;
    settings.read.lockOptional = true;
    StatusMonitor monitor(SystemLayout(m_tree->root()), settings);
    monitor.start();
    QVERIFY(!monitor.snapshot().flakeStatus.enabled);
    // The user moves the machine to a flake.
    m_tree->writeFile(QStringLiteral("/etc/nixos/flake.lock"), lockWithNixpkgsAt(T0).toUtf8());
    QTRY_VERIFY_WITH_TIMEOUT(monitor.snapshot().flakeStatus.ok, 1000);
    QCOMPARE(monitor.snapshot().nixpkgsTimestamp(), std::optional<qint64>(T0));
}

// Lost watches are re-armed: a directory that vanishes and comes back shows its changes as
// fast as before (well within 2 s; the periodic rescan is a minute away), not at the next
// rescan. Each test ends with a change only the recreated directory's own watch can see.
namespace {
constexpr int RearmTimeoutMs = 2000;
}

void TestStatusMonitor::profilesDirRecreatedIsWatchedAgain()
{
    StatusMonitor monitor(SystemLayout(m_tree->root()), {});
    monitor.start();
    const QString profiles = m_tree->hostPath(SystemLayout::ProfilesDir);
    QVERIFY(QDir(profiles).removeRecursively());
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().generations.generations.size(), 0, RearmTimeoutMs);
    // Made again, seen through the watch on its parent.
    m_tree->addGeneration(1, m_system1, T0);
    m_tree->setDefaultGeneration(1);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().generations.defaultGeneration, std::optional<int>(1), RearmTimeoutMs);
    // A new generation appears only in the profiles directory: its new watch must see it.
    QElapsedTimer timer;
    timer.start();
    m_tree->addGeneration(2, m_system2, T0 + 60);
    m_tree->setDefaultGeneration(2);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().generations.defaultGeneration, std::optional<int>(2), RearmTimeoutMs);
    qInfo("change in the recreated profiles directory seen after %lld ms", timer.elapsed());
}

void TestStatusMonitor::profilesDirReplacedAtOnceIsWatchedAgain()
{
    StatusMonitor monitor(SystemLayout(m_tree->root()), {});
    monitor.start();
    QSignalSpy scanned(&monitor, &StatusMonitor::scanFinished);
    // Deleted and made again before any scan: the same path, another inode.
    const QString profiles = m_tree->hostPath(SystemLayout::ProfilesDir);
    QVERIFY(QDir(profiles).removeRecursively());
    m_tree->addGeneration(1, m_system1, T0);
    m_tree->setDefaultGeneration(1);
    QTRY_VERIFY_WITH_TIMEOUT(scanned.count() >= 1, RearmTimeoutMs);
    QCOMPARE(monitor.snapshot().generations.defaultGeneration, std::optional<int>(1));
    QElapsedTimer timer;
    timer.start();
    m_tree->addGeneration(3, m_system2, T0 + 120);
    m_tree->setDefaultGeneration(3);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().generations.defaultGeneration, std::optional<int>(3), RearmTimeoutMs);
    qInfo("change in the replaced profiles directory seen after %lld ms", timer.elapsed());
}

void TestStatusMonitor::lockDirRecreatedIsWatchedAgain()
{
    StatusMonitor::Settings settings;
    settings.read.flake = true;
    StatusMonitor monitor(SystemLayout(m_tree->root()), settings);
    monitor.start();
    QVERIFY(monitor.snapshot().flakeStatus.ok);
    QVERIFY(QDir(m_tree->hostPath(QStringLiteral("/etc/nixos"))).removeRecursively());
    QTRY_VERIFY_WITH_TIMEOUT(!monitor.snapshot().flakeStatus.ok, RearmTimeoutMs);
    // Made again, seen through the watch on /etc.
    m_tree->writeFile(QStringLiteral("/etc/nixos/flake.lock"), lockWithNixpkgsAt(T0 + 86400).toUtf8());
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().nixpkgsTimestamp(), std::optional<qint64>(T0 + 86400), RearmTimeoutMs);
    // `nix flake update` in the new directory.
    QElapsedTimer timer;
    timer.start();
    m_tree->writeFile(QStringLiteral("/etc/nixos/flake.lock"), lockWithNixpkgsAt(T0 + 2 * 86400).toUtf8());
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().nixpkgsTimestamp(), std::optional<qint64>(T0 + 2 * 86400), RearmTimeoutMs);
    qInfo("lock edit in the recreated directory seen after %lld ms", timer.elapsed());
}

void TestStatusMonitor::vanishedRootIsWatchedAgain()
{
    StatusMonitor monitor(SystemLayout(m_tree->root()), {});
    monitor.start();
    const QString root = m_tree->root();
    const QString away = root + QStringLiteral(".away");
    // Renamed away: every watch inside still follows its inode, now outside the root.
    QVERIFY(QDir().rename(root, away));
    QTRY_VERIFY_WITH_TIMEOUT(!monitor.snapshot().generationStatus.ok, RearmTimeoutMs);
    QVERIFY(QDir().rename(away, root));
    QTRY_VERIFY_WITH_TIMEOUT(monitor.snapshot().generationStatus.ok, RearmTimeoutMs);
    QElapsedTimer timer;
    timer.start();
    m_tree->setCurrentSystem(m_system2);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().generations.currentGeneration, std::optional<int>(2), RearmTimeoutMs);
    qInfo("switch in the returned root seen after %lld ms", timer.elapsed());
}

void TestStatusMonitor::deletedRootIsWatchedAgain()
{
    StatusMonitor monitor(SystemLayout(m_tree->root()), {});
    monitor.start();
    // Deleted (rm -rf), then built again from nothing: every directory is a new inode.
    QVERIFY(QDir(m_tree->root()).removeRecursively());
    QTRY_VERIFY_WITH_TIMEOUT(!monitor.snapshot().generationStatus.ok, RearmTimeoutMs);
    FixtureTree::SystemSpec spec;
    spec.name = QStringLiteral("one");
    QCOMPARE(m_tree->addSystem(spec), m_system1);
    spec.name = QStringLiteral("two");
    spec.kernelVersion = QStringLiteral("6.6.5");
    QCOMPARE(m_tree->addSystem(spec), m_system2);
    m_tree->addGeneration(1, m_system1, T0);
    m_tree->addGeneration(2, m_system2, T0 + 60);
    m_tree->setCurrentSystem(m_system1);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().generations.currentGeneration, std::optional<int>(1), RearmTimeoutMs);
    QElapsedTimer timer;
    timer.start();
    m_tree->setCurrentSystem(m_system2);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().generations.currentGeneration, std::optional<int>(2), RearmTimeoutMs);
    qInfo("switch in the rebuilt root seen after %lld ms", timer.elapsed());
}

void TestStatusMonitor::rearmingSettles()
{
    // Re-arming costs one more scan, not a loop; the root's parent is watched only for the
    // root itself, so its other entries (a busy /tmp) cause no scans.
    StatusMonitor monitor(SystemLayout(m_tree->root()), {});
    monitor.start();
    QSignalSpy scanned(&monitor, &StatusMonitor::scanFinished);
    QVERIFY(QDir(m_tree->hostPath(SystemLayout::ProfilesDir)).removeRecursively());
    m_tree->addGeneration(1, m_system1, T0);
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().generations.generations.size(), 1, RearmTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(scanned.count() >= 1, RearmTimeoutMs);
    // Settled: no scan for half a second (a loaded machine may still finish the re-arm's one).
    qsizetype settled = -1;
    for (int i = 0; i < 20 && settled != scanned.count(); ++i) {
        settled = scanned.count();
        QTest::qWait(500);
    }
    QCOMPARE(scanned.count(), settled);
    const QString sibling = m_tree->root() + QStringLiteral(".sibling");
    QVERIFY(QDir().mkdir(sibling));
    QVERIFY(QDir().rmdir(sibling));
    // The absence of a scan is the assertion, so the wait is generous: ten debounce intervals.
    QTest::qWait(1500);
    QCOMPARE(scanned.count(), settled);
}

void TestStatusMonitor::realRootStarts()
{
    // "/" has no parent to watch, and on a machine that is no NixOS most directories are
    // missing: the nearest existing parents are watched, up to "/" itself.
    StatusMonitor monitor(SystemLayout(QStringLiteral("/")), {});
    monitor.start();
    QVERIFY(monitor.snapshot().collectedAt > 0);
    QSignalSpy scanned(&monitor, &StatusMonitor::scanFinished);
    monitor.requestRescan();
    QVERIFY(scanned.wait(10'000));
}

QTEST_GUILESS_MAIN(TestStatusMonitor)
#include "tst_statusmonitor.moc"
