// SPDX-License-Identifier: MIT
// NixDatabase's closures on a generated database with Nix's schema (tests/nixstoredb.h):
// the recursive query, several closures on one connection, paths it does not hold, a missing
// database. The opening rules (locks, WAL, read-only) are tst_storestats'; closures on stores
// Nix wrote are tst_closurediff's.
#include "fixturetree.h"
#include "nixdatabase.h"
#include "nixstoredb.h"
#include "systemlayout.h"

#include <QDir>
#include <QFile>
#include <QTest>

class TestNixDatabase : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void closureFollowsEveryReference();
    void unknownPathIsAnError();
    void missingDatabaseIsAnError();

private:
    std::unique_ptr<FixtureTree> m_tree;
    QString dbFile() const { return m_tree->hostPath(NixDatabase::Path); }
};

void TestNixDatabase::init()
{
    m_tree = std::make_unique<FixtureTree>();
    QVERIFY(QDir().mkpath(m_tree->hostPath(QStringLiteral("/nix/var/nix/db"))));
}

void TestNixDatabase::closureFollowsEveryReference()
{
    // Path i refers to path i - 1: the closure of path k is paths 1 to k.
    QVERIFY(NixStoreDb::create(dbFile(), 3000).error.isEmpty());
    NixDatabase db{SystemLayout(m_tree->root())};
    QString error;
    for (const qint64 k : {qint64(1), qint64(1234), qint64(3000)}) {
        const std::optional<StoreClosure> closure = db.closure(NixStoreDb::pathOf(k), &error);
        QVERIFY2(closure, qPrintable(error));
        QCOMPARE(closure->storePath, NixStoreDb::pathOf(k));
        QCOMPARE(closure->pathCount(), k);
        qint64 size = 0;
        for (qint64 i = 1; i <= k; ++i) {
            size += NixStoreDb::narSizeOf(i);
            QVERIFY(std::binary_search(closure->paths.begin(), closure->paths.end(),
                                       StorePathInfo{NixStoreDb::pathOf(i), NixStoreDb::narSizeOf(i)},
                                       [](const StorePathInfo &a, const StorePathInfo &b) { return a.path < b.path; }));
        }
        QCOMPARE(closure->sizeBytes(), std::optional<qint64>(size));
    }
    // The same connection answers totals too.
    const std::optional<NixDatabase::Totals> totals = db.totals(&error);
    QVERIFY2(totals, qPrintable(error));
    QCOMPARE(totals->pathCount, 3000);
}

void TestNixDatabase::unknownPathIsAnError()
{
    QVERIFY(NixStoreDb::create(dbFile(), 10).error.isEmpty());
    NixDatabase db{SystemLayout(m_tree->root())};
    QString error;
    const QString gone = QStringLiteral("/nix/store/00000000000000000000000000000000-gone-1.0");
    QCOMPARE(db.closure(gone, &error), std::nullopt);
    QCOMPARE(error, gone + QStringLiteral(" is not a valid store path in /nix/var/nix/db/db.sqlite "
                                          "(garbage-collected, or not built here)"));
    QVERIFY(db.closure(NixStoreDb::pathOf(10), &error)); // the connection still works
}

void TestNixDatabase::missingDatabaseIsAnError()
{
    NixDatabase db{SystemLayout(m_tree->root())};
    QString error;
    QCOMPARE(db.closure(NixStoreDb::pathOf(1), &error), std::nullopt);
    QVERIFY2(error.startsWith(QLatin1String("no Nix database: /nix/var/nix/db/db.sqlite")), qPrintable(error));
    QVERIFY(!QFile::exists(dbFile())); // read-only: nothing created
}

QTEST_GUILESS_MAIN(TestNixDatabase)
#include "tst_nixdatabase.moc"
