// SPDX-License-Identifier: MIT
// The store source: figures from a generated Nix database, failures, locks, GC roots, and the
// monitor's own refresh interval.
#include "fixturetree.h"
#include "nixstoredb.h"
#include "snapshotreader.h"
#include "statusmonitor.h"
#include "storestats.h"
#include "systemlayout.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

class TestStoreStats : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void hundredThousandPaths();
    void emptyDatabase();
    void missingDatabaseIsAFailure();
    void corruptDatabaseIsAFailure();
    void otherSchemaIsAFailure();
    void unknownSizeIsLeftOut();
    void writerWithRollbackJournalFailsFast();
    void writerInWalModeDoesNotBlock();
    void readingChangesNothing();
    void unprivilegedReaderOfAnIdleWalDatabase();
    void gcRoots();
    void snapshotReaderTimesTheSource();
    void monitorRefreshesAtItsOwnInterval();

private:
    QString dbFile() const { return m_tree->hostPath(StoreStatsReader::DatabasePath); }
    FixtureTree *m_tree = nullptr;
};

void TestStoreStats::init()
{
    m_tree = new FixtureTree;
    QVERIFY(QDir().mkpath(m_tree->hostPath(QStringLiteral("/nix/var/nix/db"))));
}

void TestStoreStats::cleanup()
{
    delete m_tree;
}

void TestStoreStats::hundredThousandPaths()
{
    const NixStoreDb::Result expected = NixStoreDb::create(dbFile(), 100'000);
    QVERIFY2(expected.error.isEmpty(), qPrintable(expected.error));
    QVERIFY(expected.sizeBytes > qint64(1) << 32); // more than 32 bits: no int truncation
    StoreStats stats;
    const QString error = StoreStatsReader::read(SystemLayout(m_tree->root()), stats);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(stats.pathCount, std::optional<qint64>(100'000));
    QCOMPARE(stats.sizeBytes, std::optional<qint64>(expected.sizeBytes));
}

void TestStoreStats::emptyDatabase()
{
    QVERIFY(NixStoreDb::create(dbFile(), 0).error.isEmpty());
    StoreStats stats;
    QCOMPARE(StoreStatsReader::read(SystemLayout(m_tree->root()), stats), QString());
    QCOMPARE(stats.pathCount, std::optional<qint64>(0));
    QCOMPARE(stats.sizeBytes, std::optional<qint64>(0));
}

void TestStoreStats::missingDatabaseIsAFailure()
{
    StoreStats stats;
    const QString error = StoreStatsReader::read(SystemLayout(m_tree->root()), stats);
    QVERIFY2(error.startsWith(QLatin1String("no Nix database: /nix/var/nix/db/db.sqlite: ")),
             qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
    QVERIFY(!stats.pathCount && !stats.sizeBytes);
    // Read-only: a missing database is not created.
    QVERIFY(!QFile::exists(dbFile()));
}

void TestStoreStats::corruptDatabaseIsAFailure()
{
    QFile file(dbFile());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(64 * 1024, 'x'));
    file.close();
    StoreStats stats;
    const QString error = StoreStatsReader::read(SystemLayout(m_tree->root()), stats);
    QCOMPARE(error, QStringLiteral("/nix/var/nix/db/db.sqlite: file is not a database"));
    QVERIFY(!stats.pathCount);
}

void TestStoreStats::otherSchemaIsAFailure()
{
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("other"));
        db.setDatabaseName(dbFile());
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("create table Other (x integer)")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("other"));
    StoreStats stats;
    QCOMPARE(StoreStatsReader::read(SystemLayout(m_tree->root()), stats),
             QStringLiteral("/nix/var/nix/db/db.sqlite: no such table: ValidPaths"));
}

void TestStoreStats::unknownSizeIsLeftOut()
{
    QVERIFY(NixStoreDb::create(dbFile(), 10).error.isEmpty());
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("edit"));
        db.setDatabaseName(dbFile());
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(
            QStringLiteral("update ValidPaths set narSize = null where id = 3")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("edit"));
    StoreStats stats;
    QCOMPARE(StoreStatsReader::read(SystemLayout(m_tree->root()), stats), QString());
    QCOMPARE(stats.pathCount, std::optional<qint64>(10));
    QVERIFY(!stats.sizeBytes); // a sum without path 3 would be too small: unknown, not wrong
}

void TestStoreStats::writerWithRollbackJournalFailsFast()
{
    QVERIFY(NixStoreDb::create(dbFile(), 1000, false).error.isEmpty());
    QSqlDatabase writer =
        QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("writer"));
    writer.setDatabaseName(dbFile());
    QVERIFY(writer.open());
    {
        QSqlQuery query(writer);
        // An exclusive lock, as a Nix transaction in rollback mode holds while it commits.
        QVERIFY2(query.exec(QStringLiteral("begin exclusive")),
                 qPrintable(query.lastError().text()));
        QVERIFY(query.exec(QStringLiteral("delete from Refs")));
    }
    QElapsedTimer timer;
    timer.start();
    StoreStats stats;
    const QString error = StoreStatsReader::read(SystemLayout(m_tree->root()), stats);
    const qint64 elapsed = timer.elapsed();
    QVERIFY2(error.startsWith(QLatin1String("/nix/var/nix/db/db.sqlite: database is locked")),
             qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
    QVERIFY2(elapsed >= StoreStatsReader::BusyTimeoutMs - 100 && elapsed < 5000,
             qPrintable(QString::number(elapsed)));
    QVERIFY(!stats.pathCount);
    QVERIFY(QSqlQuery(writer).exec(QStringLiteral("rollback")));
    writer.close();
    writer = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("writer"));
    // Once the writer is done, the next refresh works.
    QCOMPARE(StoreStatsReader::read(SystemLayout(m_tree->root()), stats), QString());
    QCOMPARE(stats.pathCount, std::optional<qint64>(1000));
}

void TestStoreStats::writerInWalModeDoesNotBlock()
{
    QVERIFY(NixStoreDb::create(dbFile(), 1000, true).error.isEmpty());
    QSqlDatabase writer =
        QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("walwriter"));
    writer.setDatabaseName(dbFile());
    QVERIFY(writer.open());
    QSqlQuery query(writer);
    QVERIFY(query.exec(QStringLiteral("begin immediate")));
    QVERIFY(query.exec(QStringLiteral("delete from Refs where referrer > 500")));
    QVERIFY(query.exec(QStringLiteral("delete from ValidPaths where id > 500")));
    QElapsedTimer timer;
    timer.start();
    StoreStats stats;
    QCOMPARE(StoreStatsReader::read(SystemLayout(m_tree->root()), stats), QString());
    QVERIFY(timer.elapsed() < StoreStatsReader::BusyTimeoutMs);
    QCOMPARE(stats.pathCount, std::optional<qint64>(1000)); // the committed state
    QVERIFY(query.exec(QStringLiteral("commit")));
    QCOMPARE(StoreStatsReader::read(SystemLayout(m_tree->root()), stats), QString());
    QCOMPARE(stats.pathCount, std::optional<qint64>(500)); // a commit still in the -wal file counts
    query = QSqlQuery();
    writer.close();
    writer = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("walwriter"));
}

void TestStoreStats::readingChangesNothing()
{
    QVERIFY(NixStoreDb::create(dbFile(), 100, false).error.isEmpty());
    QFile file(dbFile());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();
    file.close();
    // Even a database only this user could write stays untouched: the connection is read-only.
    StoreStats stats;
    QCOMPARE(StoreStatsReader::read(SystemLayout(m_tree->root()), stats), QString());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before);
    QCOMPARE(QDir(m_tree->hostPath(QStringLiteral("/nix/var/nix/db"))).entryList(QDir::Files),
             QStringList{QStringLiteral("db.sqlite")});
    // The store is never walked: the database alone gives the figures.
    QVERIFY(QDir(m_tree->hostPath(QStringLiteral("/nix/store"))).isEmpty());
}

void TestStoreStats::unprivilegedReaderOfAnIdleWalDatabase()
{
    // The exporter runs as an unprivileged user that cannot write /nix/var/nix/db. A WAL
    // database nobody has open has no -wal and -shm files, which a read-only reader could
    // not create: it must still be read.
    QVERIFY(NixStoreDb::create(dbFile(), 300, true).error.isEmpty());
    const QString dir = m_tree->hostPath(QStringLiteral("/nix/var/nix/db"));
    QCOMPARE(QDir(dir).entryList(QDir::Files), QStringList{QStringLiteral("db.sqlite")});
    QVERIFY(::chmod(QFile::encodeName(m_tree->root()).constData(), 0755) == 0);
    QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0555) == 0);
    const auto asUnprivileged = [](auto work) {
        const bool wasRoot = ::geteuid() == 0;
        if (wasRoot && ::seteuid(65534) != 0)
            return QStringLiteral("seteuid failed");
        const QString result = work();
        if (wasRoot && ::seteuid(0) != 0)
            qFatal("cannot become root again");
        return result;
    };
    StoreStats stats;
    QCOMPARE(
        asUnprivileged([&] { return StoreStatsReader::read(SystemLayout(m_tree->root()), stats); }),
        QString());
    QCOMPARE(stats.pathCount, std::optional<qint64>(300));
    QCOMPARE(QDir(dir).entryList(QDir::Files), QStringList{QStringLiteral("db.sqlite")});

    // While Nix has it open (-wal and -shm exist), the ordinary read-only path reads it,
    // commits still in the -wal included.
    QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0755) == 0);
    QSqlDatabase nix = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("nix"));
    nix.setDatabaseName(dbFile());
    QVERIFY(nix.open());
    QVERIFY(QSqlQuery(nix).exec(QStringLiteral("delete from Refs where referrer > 200")));
    QVERIFY(QSqlQuery(nix).exec(QStringLiteral("delete from ValidPaths where id > 200")));
    QVERIFY(QFile::exists(dbFile() + QStringLiteral("-wal")));
    QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0555) == 0);
    QCOMPARE(
        asUnprivileged([&] { return StoreStatsReader::read(SystemLayout(m_tree->root()), stats); }),
        QString());
    QCOMPARE(stats.pathCount, std::optional<qint64>(200));
    QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0755) == 0);
    nix.close();
    nix = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("nix"));
}

void TestStoreStats::gcRoots()
{
    const SystemLayout layout(m_tree->root());
    QCOMPARE(StoreStatsReader::countGcRoots(layout), std::nullopt); // no gcroots directory
    const QString a = QStringLiteral("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a");
    const QString b = QStringLiteral("/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-b");
    // Direct roots, in subdirectories too.
    m_tree->symlink(QStringLiteral("/nix/var/nix/gcroots/booted-system"), a);
    m_tree->symlink(QStringLiteral("/nix/var/nix/gcroots/per-user/alice/x"), b);
    // Indirect roots: auto/ names a link elsewhere that points into the store; that link is the
    // root.
    m_tree->symlink(QStringLiteral("/home/alice/project/result"), a);
    m_tree->symlink(QStringLiteral("/nix/var/nix/gcroots/auto/0123"),
                    QStringLiteral("/home/alice/project/result"));
    m_tree->symlink(QStringLiteral("/nix/var/nix/gcroots/auto/4567"),
                    QStringLiteral("/home/alice/gone")); // stale
    m_tree->symlink(QStringLiteral("/run/current-system"), b);
    m_tree->symlink(QStringLiteral("/nix/var/nix/gcroots/current-system"),
                    QStringLiteral("/run/current-system"));
    // A link to a directory that is no root (NixOS links the profiles here; they are found below).
    m_tree->symlink(QStringLiteral("/nix/var/nix/gcroots/profiles"),
                    QStringLiteral("/nix/var/nix/profiles"));
    // Profiles: generation links, and "system" naming one of them (the same root, counted once).
    m_tree->symlink(QStringLiteral("/nix/var/nix/profiles/system-1-link"), a);
    m_tree->symlink(QStringLiteral("/nix/var/nix/profiles/system-2-link"), b);
    m_tree->symlink(QStringLiteral("/nix/var/nix/profiles/system"),
                    QStringLiteral("system-2-link"));
    QCOMPARE(StoreStatsReader::countGcRoots(layout), std::optional<qint64>(6));
}

void TestStoreStats::snapshotReaderTimesTheSource()
{
    QVERIFY(NixStoreDb::create(dbFile(), 50).error.isEmpty());
    ReadOptions options;
    QVERIFY(!SnapshotReader::read(SystemLayout(m_tree->root()), options).storeStatus.enabled);
    options.store = true;
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(m_tree->root()), options);
    QVERIFY(snapshot.storeStatus.enabled && snapshot.storeStatus.ok);
    QVERIFY(snapshot.storeStatus.seconds > 0);
    QCOMPARE(snapshot.store.pathCount, std::optional<qint64>(50));
}

void TestStoreStats::monitorRefreshesAtItsOwnInterval()
{
    const QString current = m_tree->addSystem({QStringLiteral("one")});
    m_tree->addGeneration(1, current, 1'700'000'000);
    m_tree->setCurrentSystem(current);
    QVERIFY(NixStoreDb::create(dbFile(), 100).error.isEmpty());

    StatusMonitor::Settings settings;
    settings.read.store = true;
    settings.debounceMs = 10;
    settings.storeRefreshMs = 1500;
    StatusMonitor monitor(SystemLayout(m_tree->root()), settings);
    monitor.start();
    QCOMPARE(monitor.snapshot().store.pathCount, std::optional<qint64>(100));
    QElapsedTimer sinceStart;
    sinceStart.start();

    QCOMPARE(NixStoreDb::addPaths(dbFile(), 5), QString());
    // A rescan for another reason (inotify, the periodic one) keeps the last store result.
    QSignalSpy scans(&monitor, &StatusMonitor::scanFinished);
    monitor.requestRescan();
    QVERIFY(scans.wait(2000));
    QVERIFY(sinceStart.elapsed() < 1400);
    QVERIFY(monitor.snapshot().storeStatus.ok);
    QCOMPARE(monitor.snapshot().store.pathCount, std::optional<qint64>(100));
    // The store's own timer reads it again.
    QTRY_COMPARE_WITH_TIMEOUT(monitor.snapshot().store.pathCount, std::optional<qint64>(105), 4000);
    QVERIFY(sinceStart.elapsed() >= 1400);
}

QTEST_GUILESS_MAIN(TestStoreStats)
#include "tst_storestats.moc"
