// SPDX-License-Identifier: MIT
#include "assessment.h"
#include "fixturetree.h"
#include "flakehealth.h"
#include "goldenfixture.h"
#include "snapshotreader.h"
#include "statustext.h"
#include "systemlayout.h"

#include <QTemporaryDir>
#include <QTest>

class TestStatusText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ages_data();
    void ages();
    void summaryOfTheGoldenFixture();
    void summaryWithoutBootedSystem();
    void unknownSaysUnknown();
    void bootLine();
};

void TestStatusText::ages_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("seconds") << qint64(59) << "0 minutes";
    QTest::newRow("minute") << qint64(60) << "1 minute";
    QTest::newRow("hour") << qint64(3600) << "1 hour";
    QTest::newRow("day and a half") << qint64(36 * 3600) << "36 hours";
    QTest::newRow("two days") << qint64(2 * 86400) << "2 days";
    QTest::newRow("41 days") << qint64(41 * 86400 + 5) << "41 days";
    QTest::newRow("clock skew") << qint64(-30) << "0 minutes";
}

void TestStatusText::ages()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);
    QCOMPARE(StatusText::age(seconds), text);
}

void TestStatusText::summaryOfTheGoldenFixture()
{
    // One clock for the tree, the release calendar and the words: nixpkgs was locked 41 days
    // before, generation 47 built two days before.
    const qint64 now = 1786245335 + 41 * 86400;
    FixtureTree tree;
    GoldenFixture::build(tree, now - 2 * 86400);
    ReadOptions options;
    options.flake = true;
    options.supportedReleases = FlakeHealth::supportedReleases(now);
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(tree.root()), options);
    const Assessment assessment = Assessment::of(snapshot, Thresholds(), now);
    QCOMPARE(StatusText::summary(snapshot, assessment, now),
             QStringLiteral("generation 47 (booted 46) · nixpkgs 41 days old · reboot required: linux "
                            "6.12.41 → 6.12.52, initrd"));
    const QStringList lines = StatusText::lines(snapshot, assessment, now);
    QCOMPARE(lines.value(0), QStringLiteral("generation 47, built 2 days ago"));
    QCOMPARE(lines.value(1), QStringLiteral("booted generation 46"));
    QCOMPARE(lines.value(2), QStringLiteral("nixpkgs 41 days old"));
    QCOMPARE(lines.value(3), QStringLiteral("reboot required: linux 6.12.41 → 6.12.52, initrd"));
}

void TestStatusText::summaryWithoutBootedSystem()
{
    FixtureTree tree;
    FixtureTree::SystemSpec spec;
    spec.name = QStringLiteral("ct");
    const QString system = tree.addSystem(spec);
    tree.addGeneration(5, system, 1'700'000'000);
    tree.setCurrentSystem(system);
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(tree.root()), ReadOptions());
    const qint64 now = *snapshot.nixpkgsTimestamp() + 86400;
    // Label 24.11.20241201: one day old; no booted system, so nothing about reboots.
    QCOMPARE(StatusText::summary(snapshot, Assessment::of(snapshot, Thresholds(), 1'700'000'000), now),
             QStringLiteral("generation 5 · nixpkgs 24 hours old"));
}

void TestStatusText::unknownSaysUnknown()
{
    QTemporaryDir empty;
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(empty.path()), ReadOptions());
    const qint64 now = 1'700'000'000;
    const Assessment assessment = Assessment::of(snapshot, Thresholds(), now);
    QVERIFY(StatusText::summary(snapshot, assessment, now)
                .startsWith(QStringLiteral("generation unknown (running system unreadable) · nixpkgs age unknown · ")));
    const QStringList lines = StatusText::lines(snapshot, assessment, now);
    QCOMPARE(lines.value(0), QStringLiteral("generation unknown (running system unreadable)"));
    QCOMPARE(lines.value(1), QStringLiteral("nixpkgs age unknown"));
}

void TestStatusText::bootLine()
{
    constexpr qint64 MiB = 1024 * 1024;
    QCOMPARE(StatusText::bytes(512), QStringLiteral("512 B"));
    QCOMPARE(StatusText::bytes(86 * MiB), QStringLiteral("86 MiB"));
    QCOMPARE(StatusText::bytes(1.5 * 1024 * MiB), QStringLiteral("1.5 GiB"));
    QCOMPARE(StatusText::boot(QStringLiteral("/boot"), 86 * MiB, 2), QStringLiteral("/boot: 86 MiB free, room for 2 more kernels"));
    QCOMPARE(StatusText::boot(QStringLiteral("/efi"), std::nullopt, std::nullopt), QStringLiteral("/efi: free space unknown"));

    // In the lines after nixpkgs; the boot-full finding is not said twice.
    QTemporaryDir empty;
    Snapshot snapshot = SnapshotReader::read(SystemLayout(empty.path()), ReadOptions());
    snapshot.bootStatus = {true, true, {}, 0.001};
    snapshot.boot.path = QStringLiteral("/boot");
    snapshot.boot.freeBytes = 86 * MiB;
    snapshot.boot.generationBytes = 50 * MiB;
    const qint64 now = 1'700'000'000;
    const Assessment assessment = Assessment::of(snapshot, Thresholds(), now);
    const QStringList lines = StatusText::lines(snapshot, assessment, now);
    QCOMPARE(lines.count(QStringLiteral("/boot: 86 MiB free, room for 1 more kernel")), 1);
    QCOMPARE(lines.indexOf(QStringLiteral("/boot: 86 MiB free, room for 1 more kernel")), lines.indexOf(QStringLiteral("nixpkgs age unknown")) + 1);
    QVERIFY(StatusText::summary(snapshot, assessment, now).contains(QLatin1String("room for 1 more kernel")));
}

QTEST_GUILESS_MAIN(TestStatusText)
#include "tst_statustext.moc"
