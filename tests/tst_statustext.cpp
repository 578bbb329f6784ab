// SPDX-License-Identifier: MIT
#include "assessment.h"
#include "fixturetree.h"
#include "flakehealth.h"
#include "goldenfixture.h"
#include "snapshotreader.h"
#include "statustext.h"
#include "systemlayout.h"

#include <QDateTime>
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
    void whenInLocalTime_data();
    void whenInLocalTime();
    void maintenanceTasks();
    void packageChanges();
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
    QCOMPARE(StatusText::bytes(86 * MiB, StatusText::Precision::Tenths), QStringLiteral("86.0 MiB"));
    QCOMPARE(StatusText::bytes(64, StatusText::Precision::Tenths), QStringLiteral("64 B"));
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

void TestStatusText::whenInLocalTime_data()
{
    QTest::addColumn<QString>("now");
    QTest::addColumn<QString>("moment");
    QTest::addColumn<QString>("expected");
    QTest::newRow("this afternoon") << "2026-11-26T10:00" << "2026-11-26T14:00" << "today 14:00";
    QTest::newRow("this evening") << "2026-11-26T10:00" << "2026-11-26T21:30" << "tonight 21:30";
    QTest::newRow("early tomorrow") << "2026-11-26T10:00" << "2026-11-27T04:40" << "tonight 04:40";
    QTest::newRow("tomorrow") << "2026-11-26T10:00" << "2026-11-27T09:00" << "tomorrow 09:00";
    QTest::newRow("later") << "2026-11-26T10:00" << "2026-12-02T04:40" << "on 2026-12-02 04:40";
    QTest::newRow("new year") << "2026-12-31T23:00" << "2027-01-01T04:40" << "tonight 04:40";
}

void TestStatusText::whenInLocalTime()
{
    QFETCH(QString, now);
    QFETCH(QString, moment);
    QFETCH(QString, expected);
    // Both moments in the zone the words use, whatever zone the machine is in.
    const auto local = [](const QString &text) {
        return QDateTime::fromString(text, Qt::ISODate).toSecsSinceEpoch();
    };
    QCOMPARE(StatusText::when(local(moment), local(now)), expected);
}

void TestStatusText::maintenanceTasks()
{
    const qint64 now = QDateTime::fromString(QStringLiteral("2026-11-26T10:00"), Qt::ISODate).toSecsSinceEpoch();
    Maintenance::TaskState state;
    state.present = true;
    state.scheduled = true;
    state.lastRunAt = now - 3 * 86400;
    state.lastRunSucceeded = true;
    state.lastSuccessAt = state.lastRunAt;
    state.nextRunAt = now + 18 * 3600 + 40 * 60;
    QCOMPARE(StatusText::maintenanceTask(QStringLiteral("auto-upgrade"), state, now),
             QStringLiteral("auto-upgrade: last success 3 days ago, next run tonight 04:40"));
    state.lastRunSucceeded = false;
    state.lastSuccessAt.reset();
    state.result = QStringLiteral("exit-code");
    state.lastRunAt = now - 7200;
    QCOMPARE(StatusText::maintenanceTask(QStringLiteral("auto-upgrade"), state, now),
             QStringLiteral("auto-upgrade: last run failed 2 hours ago (exit-code), next run tonight 04:40"));
    state.lastRunSucceeded.reset();
    state.nextRunAt.reset();
    QCOMPARE(StatusText::maintenanceTask(QStringLiteral("garbage collection"), state, now),
             QStringLiteral("garbage collection: last run 2 hours ago, result unknown, next run unknown"));
    state.lastRunAt.reset();
    state.scheduled = false;
    QCOMPARE(StatusText::maintenanceTask(QStringLiteral("store optimisation"), state, now),
             QStringLiteral("store optimisation: no run known, no timer active"));
}

void TestStatusText::packageChanges()
{
    using Kind = PackageChange::Kind;
    PackageDiff diff;
    QCOMPARE(StatusText::packageChanges(diff), QStringLiteral("no packages"));
    diff.changes = {{Kind::Upgraded, "linux", {"6.6.58"}, {"6.6.60"}}};
    QCOMPARE(StatusText::packageChanges(diff), QStringLiteral("1 package (1 upgraded)"));
    diff.changes += {{Kind::Upgraded, "systemd", {"257.8"}, {"257.9"}}, {Kind::Removed, "nano", {"8.2"}, {}},
                     {Kind::Added, "ripgrep", {}, {"14.1.1"}}};
    // The kinds in their order, those with none left out.
    QCOMPARE(StatusText::packageChanges(diff), QStringLiteral("4 packages (2 upgraded, 1 added, 1 removed)"));
}

QTEST_GUILESS_MAIN(TestStatusText)
#include "tst_statustext.moc"
