// SPDX-License-Identifier: MIT
#include "fixturetree.h"
#include "statusmonitor.h"

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

QTEST_GUILESS_MAIN(TestStatusMonitor)
#include "tst_statusmonitor.moc"
