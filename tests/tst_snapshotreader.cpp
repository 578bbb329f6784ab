// SPDX-License-Identifier: MIT
#include "fixturetree.h"
#include "flakelocklocator.h"
#include "snapshotreader.h"
#include "systemlayout.h"

#include <QFile>
#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>

namespace {
const QByteArray SmallLock = R"({
  "nodes": {
    "nixpkgs": {
      "locked": {"lastModified": 1733000000, "narHash": "sha256-x", "owner": "NixOS",
                 "repo": "nixpkgs", "rev": "0123456789abcdef0123456789abcdef01234567", "type": "github"},
      "original": {"owner": "NixOS", "ref": "nixos-24.11", "repo": "nixpkgs", "type": "github"}
    },
    "root": {"inputs": {"nixpkgs": "nixpkgs"}}
  },
  "root": "root",
  "version": 7
})";

// A working system, so that only the flake side varies.
QString addRunningSystem(FixtureTree &tree)
{
    FixtureTree::SystemSpec spec;
    spec.name = QStringLiteral("host");
    const QString system = tree.addSystem(spec);
    tree.addGeneration(1, system, 1'700'000'000);
    tree.setDefaultGeneration(1);
    tree.setCurrentSystem(system);
    tree.setBootedSystem(system);
    return system;
}

ReadOptions withFlake(const QString &lockPath = {})
{
    ReadOptions options;
    options.flake = true;
    options.lockPath = lockPath;
    return options;
}
} // namespace

class TestSnapshotReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void flakeDisabledReadsNoLock();
    void lockInRunningSystemWins();
    void etcNixosIsTheFallback();
    void configuredPathIsUsedAsIs();
    void noLockIsAFailureWithReason();
    void noLockIsFineWhenOptional();
    void brokenLockFailsOnlyTheFlakeSource();
    void hugeLockIsRefused();
    void noRunningSystemFailsGenerationSource();
    void rescanSeesEveryLockChange();
};

void TestSnapshotReader::flakeDisabledReadsNoLock()
{
    FixtureTree tree;
    addRunningSystem(tree);
    tree.writeFile(QStringLiteral("/etc/nixos/flake.lock"), SmallLock);
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(tree.root()), ReadOptions());
    QVERIFY(snapshot.generationStatus.enabled && snapshot.generationStatus.ok);
    QVERIFY(!snapshot.flakeStatus.enabled);
    QVERIFY(snapshot.flake.lock.inputs.isEmpty());
    QVERIFY(snapshot.collectedAt > 0);
}

void TestSnapshotReader::lockInRunningSystemWins()
{
    FixtureTree tree;
    const QString system = addRunningSystem(tree);
    tree.writeFile(system + QStringLiteral("/flake.lock"), SmallLock);
    tree.writeFile(QStringLiteral("/etc/nixos/flake.lock"), "not json");
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(tree.root()), withFlake());
    QVERIFY2(snapshot.flakeStatus.ok, qPrintable(snapshot.flakeStatus.error));
    QCOMPARE(snapshot.flake.lockPath, QStringLiteral("/run/current-system/flake.lock"));
    QCOMPARE(snapshot.flake.lock.inputs.size(), 1);
    QCOMPARE(snapshot.nixpkgsTimestamp(), std::optional<qint64>(1733000000));
}

void TestSnapshotReader::etcNixosIsTheFallback()
{
    FixtureTree tree;
    addRunningSystem(tree);
    tree.writeFile(QStringLiteral("/etc/nixos/flake.lock"), SmallLock);
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(tree.root()), withFlake());
    QVERIFY2(snapshot.flakeStatus.ok, qPrintable(snapshot.flakeStatus.error));
    QCOMPARE(snapshot.flake.lockPath, QStringLiteral("/etc/nixos/flake.lock"));
    QCOMPARE(FlakeLockLocator::candidates().size(), 2);
}

void TestSnapshotReader::configuredPathIsUsedAsIs()
{
    FixtureTree tree;
    addRunningSystem(tree);
    tree.writeFile(QStringLiteral("/etc/nixos/flake.lock"), "not json");
    tree.writeFile(QStringLiteral("/srv/config/flake.lock"), SmallLock);
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(tree.root()), withFlake(QStringLiteral("/srv/config/flake.lock")));
    QVERIFY2(snapshot.flakeStatus.ok, qPrintable(snapshot.flakeStatus.error));
    QCOMPARE(snapshot.flake.lockPath, QStringLiteral("/srv/config/flake.lock"));

    // A configured path that does not exist is not silently replaced by a found one.
    const Snapshot missing = SnapshotReader::read(SystemLayout(tree.root()), withFlake(QStringLiteral("/srv/other/flake.lock")));
    QVERIFY(!missing.flakeStatus.ok);
    QVERIFY2(missing.flakeStatus.error.contains(QLatin1String("/srv/other")), qPrintable(missing.flakeStatus.error));
}

void TestSnapshotReader::noLockIsAFailureWithReason()
{
    FixtureTree tree;
    addRunningSystem(tree);
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(tree.root()), withFlake());
    QVERIFY(snapshot.generationStatus.ok);
    QVERIFY(snapshot.flakeStatus.enabled && !snapshot.flakeStatus.ok);
    QVERIFY2(snapshot.flakeStatus.error.startsWith(QLatin1String("no flake.lock found")), qPrintable(snapshot.flakeStatus.error));
    QVERIFY(snapshot.flakeStatus.error.contains(QLatin1String("/etc/nixos/flake.lock")));
}

void TestSnapshotReader::noLockIsFineWhenOptional()
{
    FixtureTree tree;
    addRunningSystem(tree);
    ReadOptions options = withFlake();
    options.lockOptional = true;
    const Snapshot none = SnapshotReader::read(SystemLayout(tree.root()), options);
    QVERIFY(!none.flakeStatus.enabled);  // a machine without flakes, not a failure

    tree.writeFile(QStringLiteral("/etc/nixos/flake.lock"), SmallLock);
    const Snapshot found = SnapshotReader::read(SystemLayout(tree.root()), options);
    QVERIFY(found.flakeStatus.enabled && found.flakeStatus.ok);

    // A path the user configured must exist, optional or not.
    options.lockPath = QStringLiteral("/srv/missing/flake.lock");
    const Snapshot configured = SnapshotReader::read(SystemLayout(tree.root()), options);
    QVERIFY(configured.flakeStatus.enabled && !configured.flakeStatus.ok);
}

void TestSnapshotReader::brokenLockFailsOnlyTheFlakeSource()
{
    FixtureTree tree;
    addRunningSystem(tree);
    tree.writeFile(QStringLiteral("/etc/nixos/flake.lock"), QByteArray("{\"nodes\": {", 11));
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(tree.root()), withFlake());
    QVERIFY(snapshot.generationStatus.ok);
    QCOMPARE(snapshot.generations.currentGeneration, std::optional<int>(1));
    QVERIFY(!snapshot.flakeStatus.ok);
    QVERIFY2(snapshot.flakeStatus.error.startsWith(QLatin1String("/etc/nixos/flake.lock: ")), qPrintable(snapshot.flakeStatus.error));
    // Without a lock, nixpkgs age falls back to the running system's label.
    QCOMPARE(snapshot.nixpkgsTimestamp(), snapshot.generations.currentSystem->version.nixpkgsDate);
}

void TestSnapshotReader::hugeLockIsRefused()
{
    FixtureTree tree;
    addRunningSystem(tree);
    QFile lock(tree.hostPath(QStringLiteral("/etc/nixos/flake.lock")));
    QVERIFY(lock.open(QIODevice::WriteOnly));
    QVERIFY(lock.resize(50 * 1024 * 1024));  // 50 MB (sparse): no lock is this large
    lock.close();
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(tree.root()), withFlake());
    QVERIFY(!snapshot.flakeStatus.ok);
    QVERIFY2(snapshot.flakeStatus.error.contains(QLatin1String("limit")), qPrintable(snapshot.flakeStatus.error));
}

void TestSnapshotReader::noRunningSystemFailsGenerationSource()
{
    FixtureTree tree;
    tree.setCurrentSystem(QStringLiteral("/nix/store/gone-system"));
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(tree.root()), ReadOptions());
    QVERIFY(!snapshot.generationStatus.ok);
    QVERIFY2(snapshot.generationStatus.error.startsWith(QLatin1String("/run/current-system: ")),
             qPrintable(snapshot.generationStatus.error));
}

void TestSnapshotReader::rescanSeesEveryLockChange()
{
    // The cache keeps the parsed lock with its bytes: a lock rewritten in place with as many
    // bytes and its old modification time (a stamp of size, times and inode could miss it),
    // broken, or gone, is seen by the next read.
    FixtureTree tree;
    addRunningSystem(tree);
    const QString lockPath = QStringLiteral("/etc/nixos/flake.lock");
    tree.writeFile(lockPath, SmallLock);
    const SystemLayout layout(tree.root());
    SnapshotReader::Cache cache;
    const auto lastModified = [&] {
        const Snapshot snapshot = SnapshotReader::read(layout, withFlake(), cache);
        return snapshot.flakeStatus.ok ? snapshot.flake.lock.inputs.value(0).lastModified : std::nullopt;
    };
    QCOMPARE(lastModified(), std::optional<qint64>(1733000000));
    QCOMPARE(lastModified(), std::optional<qint64>(1733000000));

    const QByteArray host = QFile::encodeName(tree.hostPath(lockPath));
    struct stat before;
    QVERIFY(::stat(host.constData(), &before) == 0);
    QFile lock(tree.hostPath(lockPath));
    QVERIFY(lock.open(QIODevice::ReadWrite));
    QVERIFY(lock.write(QByteArray(SmallLock).replace("1733000000", "1733000999")) == SmallLock.size());
    lock.close();
    const struct timespec times[2] = {before.st_atim, before.st_mtim};
    QVERIFY(::utimensat(AT_FDCWD, host.constData(), times, 0) == 0);
    QCOMPARE(lastModified(), std::optional<qint64>(1733000999));

    tree.writeFile(lockPath, "{\"nodes\": 42");
    QCOMPARE(lastModified(), std::nullopt);
    tree.writeFile(lockPath, SmallLock);
    QCOMPARE(lastModified(), std::optional<qint64>(1733000000));
    QVERIFY(QFile::remove(tree.hostPath(lockPath)));
    QCOMPARE(lastModified(), std::nullopt);
}

QTEST_GUILESS_MAIN(TestSnapshotReader)
#include "tst_snapshotreader.moc"
