// SPDX-License-Identifier: MIT
// The upgrade check against a local HTTP server: pending or not, failures keep the last good
// answer, the interval, the backoff; and the pure comparisons on hand-made snapshots.
#include "collector.h"
#include "fakehttpserver.h"
#include "fixturetree.h"
#include "metricsrenderer.h"
#include "statusmonitor.h"
#include "upgradechecker.h"
#include "upgradestate.h"

#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

namespace {
// The fixture system's label is 24.11.20241201.abcdef0.
const QByteArray SameRevision = "abcdef0123456789abcdef0123456789abcdef01";
const QByteArray OtherRevision = "0123456789abcdef0123456789abcdef01234567";

QByteArray httpDate(qint64 seconds)
{
    return QLocale::c()
        .toString(QDateTime::fromSecsSinceEpoch(seconds).toUTC(),
                  QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
        .toLatin1();
}

QString sampleValue(const QByteArray &metrics, const QString &series)
{
    const QRegularExpression line(
        QStringLiteral("^%1 (\\S+)$").arg(QRegularExpression::escape(series)),
        QRegularExpression::MultilineOption);
    return line.match(QString::fromUtf8(metrics)).captured(1);
}

QByteArray render(const Snapshot &snapshot)
{
    return MetricsRenderer::render(snapshot, {Collectors::find(QStringLiteral("upgrade"))},
                                   QDateTime::currentSecsSinceEpoch());
}

Snapshot withFlakeInput(const QString &ref, const QString &rev, std::optional<qint64> lastModified)
{
    Snapshot snapshot;
    FlakeInput input;
    input.name = QStringLiteral("nixpkgs");
    input.ref = ref;
    input.rev = rev;
    input.lastModified = lastModified;
    snapshot.flake.lock.inputs.append(input);
    return snapshot;
}
} // namespace

class TestUpgradeChecker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void sameRevision_data();
    void sameRevision();
    void defaultChannel();
    void flakeRevisionComesFirst();
    void parseRevision();
    void sameRevisionIsNotPending();
    void differentRevisionIsPending();
    void failureKeepsTheLastGoodAnswer_data();
    void failureKeepsTheLastGoodAnswer();
    void failureBeforeAnyAnswerIsNoZero();
    void noChannelIsAFailureWithoutRequest();
    void configuredUrlAndChannel();
    void intervalIsRespected();
    void anotherChannelIsCheckedAtOnce();
    void backoffGrows();

private:
    UpgradeChecker::Settings settings() const;
    FixtureTree *m_tree = nullptr;
    StatusMonitor *m_monitor = nullptr;
    FakeHttpServer *m_server = nullptr;
    qint64 m_labelDate = 0;
};

void TestUpgradeChecker::init()
{
    m_tree = new FixtureTree;
    const QString system = m_tree->addSystem({QStringLiteral("one")});
    m_tree->addGeneration(1, system, 1'700'000'000);
    m_tree->setCurrentSystem(system);
    StatusMonitor::Settings settings;
    m_monitor = new StatusMonitor(SystemLayout(m_tree->root()), settings);
    m_monitor->start();
    QVERIFY(m_monitor->snapshot().generations.currentSystem);
    m_labelDate = m_monitor->snapshot().generations.currentSystem->version.nixpkgsDate.value_or(0);
    QVERIFY(m_labelDate > 0);
    m_server = new FakeHttpServer;
    QVERIFY(m_server->port() != 0);
}

void TestUpgradeChecker::cleanup()
{
    delete m_server;
    delete m_monitor;
    delete m_tree;
}

UpgradeChecker::Settings TestUpgradeChecker::settings() const
{
    UpgradeChecker::Settings settings;
    settings.baseUrl = m_server->baseUrl();
    settings.intervalMs = 60'000;
    settings.timeoutMs = 2000;
    settings.initialBackoffMs = 60'000;
    return settings;
}

void TestUpgradeChecker::sameRevision_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("same");
    QTest::newRow("short prefix of full") << "abcdef0" << QString::fromLatin1(SameRevision) << true;
    QTest::newRow("full prefix of short, other order")
        << QString::fromLatin1(SameRevision) << "abcdef012345" << true;
    QTest::newRow("case") << "ABCDEF0" << QString::fromLatin1(SameRevision) << true;
    QTest::newRow("equal") << QString::fromLatin1(OtherRevision)
                           << QString::fromLatin1(OtherRevision) << true;
    QTest::newRow("different") << "abcdef1" << QString::fromLatin1(SameRevision) << false;
    QTest::newRow("too short to tell") << "abc" << QString::fromLatin1(SameRevision) << false;
    QTest::newRow("empty") << "" << QString::fromLatin1(SameRevision) << false;
}

void TestUpgradeChecker::sameRevision()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, same);
    QCOMPARE(Upgrade::sameRevision(a, b), same);
}

void TestUpgradeChecker::defaultChannel()
{
    QString why;
    QCOMPARE(Upgrade::defaultChannel(withFlakeInput(QStringLiteral("nixos-unstable"), {}, {})),
             QStringLiteral("nixos-unstable"));
    QCOMPARE(Upgrade::defaultChannel(withFlakeInput(QStringLiteral("nixos-24.11-small"), {}, {})),
             QStringLiteral("nixos-24.11-small"));
    QCOMPARE(Upgrade::defaultChannel(withFlakeInput(QStringLiteral("nixpkgs-unstable"), {}, {})),
             QStringLiteral("nixpkgs-unstable"));
    QCOMPARE(Upgrade::defaultChannel(withFlakeInput(QStringLiteral("master"), {}, {}), &why),
             QString());
    QCOMPARE(why,
             QStringLiteral("the flake's nixpkgs input follows \"master\", which is no channel"));
    QCOMPARE(Upgrade::defaultChannel(withFlakeInput({}, {}, {}), &why), QString());
    QCOMPARE(why, QStringLiteral("the flake's nixpkgs input names no branch"));
    // Without a flake: the running system's release.
    QCOMPARE(Upgrade::defaultChannel(m_monitor->snapshot()), QStringLiteral("nixos-24.11"));
    QCOMPARE(Upgrade::defaultChannel(Snapshot(), &why), QString());
    QVERIFY(!why.isEmpty());
}

void TestUpgradeChecker::flakeRevisionComesFirst()
{
    Snapshot snapshot = m_monitor->snapshot();
    QCOMPARE(Upgrade::localNixpkgs(snapshot).revision, QStringLiteral("abcdef0"));
    QCOMPARE(Upgrade::localNixpkgs(snapshot).source, QStringLiteral("label"));
    snapshot.flake = withFlakeInput(QStringLiteral("nixos-24.11"),
                                    QString::fromLatin1(OtherRevision), 1'733'000'000)
                         .flake;
    QCOMPARE(Upgrade::localNixpkgs(snapshot).revision, QString::fromLatin1(OtherRevision));
    QCOMPARE(Upgrade::localNixpkgs(snapshot).timestamp, std::optional<qint64>(1'733'000'000));
    snapshot.upgrade.headRevision = QString::fromLatin1(OtherRevision);
    QCOMPARE(Upgrade::pending(snapshot), std::optional<bool>(false));
    QCOMPARE(Upgrade::behindSeconds(snapshot), std::optional<qint64>(0));
    snapshot.upgrade.headRevision = QString::fromLatin1(SameRevision);
    QCOMPARE(Upgrade::pending(snapshot), std::optional<bool>(true));
    QCOMPARE(Upgrade::behindSeconds(snapshot), std::nullopt); // no Last-Modified
    snapshot.upgrade.headLastModified = 1'733'000'000 + 3600;
    QCOMPARE(Upgrade::behindSeconds(snapshot), std::optional<qint64>(3600));
    // Nothing known locally: no answer rather than a wrong one.
    QCOMPARE(Upgrade::pending(Snapshot()), std::nullopt);
}

void TestUpgradeChecker::parseRevision()
{
    QCOMPARE(UpgradeChecker::parseRevision(SameRevision + "\n"),
             std::optional<QString>(QString::fromLatin1(SameRevision)));
    QCOMPARE(UpgradeChecker::parseRevision("ABCDEF0123"),
             std::optional<QString>(QStringLiteral("abcdef0123")));
    QCOMPARE(UpgradeChecker::parseRevision("<html>502 Bad Gateway</html>"), std::nullopt);
    QCOMPARE(UpgradeChecker::parseRevision(""), std::nullopt);
    QCOMPARE(UpgradeChecker::parseRevision(SameRevision + "\n" + OtherRevision), std::nullopt);
}

void TestUpgradeChecker::sameRevisionIsNotPending()
{
    m_server->setAnswer(
        {200, SameRevision + "\n", {{"Last-Modified", httpDate(m_labelDate + 7200)}}});
    UpgradeChecker checker(*m_monitor, settings());
    QSignalSpy checked(&checker, &UpgradeChecker::checked);
    QSignalSpy changed(m_monitor, &StatusMonitor::snapshotChanged);
    checker.start();
    QVERIFY(!m_monitor->snapshot().upgradeStatus.ok); // under way
    QVERIFY(checked.wait(5000));
    QCOMPARE(checked.first().first().toBool(), true);
    QVERIFY(!changed.isEmpty());
    QCOMPARE(m_server->paths(), QList<QByteArray>{"/nixos-24.11/git-revision"});
    const Snapshot &snapshot = m_monitor->snapshot();
    QVERIFY2(snapshot.upgradeStatus.ok, qPrintable(snapshot.upgradeStatus.error));
    QCOMPARE(snapshot.upgrade.channel, QStringLiteral("nixos-24.11"));
    QCOMPARE(snapshot.upgrade.headRevision, QString::fromLatin1(SameRevision));
    QCOMPARE(snapshot.upgrade.headLastModified, std::optional<qint64>(m_labelDate + 7200));
    const QByteArray metrics = render(snapshot);
    QCOMPARE(sampleValue(metrics, QStringLiteral("nixos_upgrade_pending")), QStringLiteral("0"));
    QCOMPARE(sampleValue(metrics, QStringLiteral("nixos_upgrade_behind_seconds")),
             QStringLiteral("0"));
    QCOMPARE(sampleValue(
                 metrics,
                 QStringLiteral(
                     "nixos_upgrade_channel_revision_info{channel=\"nixos-24.11\",revision=\"%1\"}")
                     .arg(QString::fromLatin1(SameRevision))),
             QStringLiteral("1"));
    QCOMPARE(sampleValue(metrics,
                         QStringLiteral("nixos_exporter_collector_success{collector=\"upgrade\"}")),
             QStringLiteral("1"));
    // A scan keeps the answer.
    QSignalSpy scans(m_monitor, &StatusMonitor::scanFinished);
    m_monitor->requestRescan();
    QVERIFY(scans.wait(2000));
    QCOMPARE(m_monitor->snapshot().upgrade.headRevision, QString::fromLatin1(SameRevision));
    QVERIFY(m_monitor->snapshot().upgradeStatus.ok);
}

void TestUpgradeChecker::differentRevisionIsPending()
{
    m_server->setAnswer(
        {200, OtherRevision + "\n", {{"Last-Modified", httpDate(m_labelDate + 10 * 86400)}}});
    UpgradeChecker checker(*m_monitor, settings());
    QSignalSpy checked(&checker, &UpgradeChecker::checked);
    checker.start();
    QVERIFY(checked.wait(5000));
    const QByteArray metrics = render(m_monitor->snapshot());
    QCOMPARE(sampleValue(metrics, QStringLiteral("nixos_upgrade_pending")), QStringLiteral("1"));
    QCOMPARE(sampleValue(metrics, QStringLiteral("nixos_upgrade_behind_seconds")),
             QString::number(10 * 86400));
    QCOMPARE(sampleValue(metrics,
                         QStringLiteral("nixos_upgrade_channel_last_modified_timestamp_seconds")),
             QString::number(m_labelDate + 10 * 86400));
}

void TestUpgradeChecker::failureKeepsTheLastGoodAnswer_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("silent");
    QTest::addColumn<QString>("error");
    QTest::newRow("server error") << 500 << QByteArray("oops") << false << "HTTP 500";
    QTest::newRow("not found") << 404 << QByteArray() << false << "HTTP 404";
    QTest::newRow("garbage") << 200 << QByteArray("<html>captive portal</html>") << false
                             << "the answer is not a git revision";
    QTest::newRow("timeout") << 200 << QByteArray() << true << "no answer within 0.5 s";
}

void TestUpgradeChecker::failureKeepsTheLastGoodAnswer()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, silent);
    QFETCH(QString, error);
    m_server->setAnswer({200, OtherRevision, {}});
    UpgradeChecker::Settings s = settings();
    s.intervalMs = 200; // the next check soon after the good one
    s.timeoutMs = 500;
    UpgradeChecker checker(*m_monitor, s);
    QSignalSpy checked(&checker, &UpgradeChecker::checked);
    checker.start();
    QVERIFY(checked.wait(5000));
    QVERIFY(m_monitor->snapshot().upgradeStatus.ok);
    m_server->setAnswer({status, body, {}, silent});
    QVERIFY(checked.wait(5000));
    QCOMPARE(checked.last().first().toBool(), false);
    const Snapshot &snapshot = m_monitor->snapshot();
    QVERIFY(!snapshot.upgradeStatus.ok);
    QVERIFY2(snapshot.upgradeStatus.error.contains(error),
             qPrintable(snapshot.upgradeStatus.error));
    QVERIFY2(snapshot.upgradeStatus.error.startsWith(m_server->baseUrl() +
                                                     QStringLiteral("/nixos-24.11/git-revision: ")),
             qPrintable(snapshot.upgradeStatus.error));
    QVERIFY(!snapshot.upgradeStatus.error.contains(QLatin1Char('\n')));
    QCOMPARE(snapshot.upgrade.headRevision, QString::fromLatin1(OtherRevision)); // kept
    const QByteArray metrics = render(snapshot);
    QCOMPARE(sampleValue(metrics,
                         QStringLiteral("nixos_exporter_collector_success{collector=\"upgrade\"}")),
             QStringLiteral("0"));
    QCOMPARE(sampleValue(metrics, QStringLiteral("nixos_upgrade_pending")), QStringLiteral("1"));
}

void TestUpgradeChecker::failureBeforeAnyAnswerIsNoZero()
{
    m_server->setAnswer({503, "unavailable", {}});
    UpgradeChecker checker(*m_monitor, settings());
    QSignalSpy checked(&checker, &UpgradeChecker::checked);
    checker.start();
    QVERIFY(checked.wait(5000));
    const QByteArray metrics = render(m_monitor->snapshot());
    QVERIFY(!metrics.contains("nixos_upgrade_pending "));
    QVERIFY(!metrics.contains("nixos_upgrade_behind_seconds "));
    QCOMPARE(sampleValue(metrics,
                         QStringLiteral("nixos_exporter_collector_success{collector=\"upgrade\"}")),
             QStringLiteral("0"));
}

void TestUpgradeChecker::noChannelIsAFailureWithoutRequest()
{
    // A flake whose nixpkgs follows a branch that is no channel.
    m_tree->writeFile(QStringLiteral("/etc/nixos/flake.lock"),
                      R"({"version": 7, "root": "root", "nodes": {
        "root": {"inputs": {"nixpkgs": "nixpkgs"}},
        "nixpkgs": {"locked": {"type": "github", "owner": "NixOS", "repo": "nixpkgs", "rev": "0123456789abcdef0123456789abcdef01234567", "lastModified": 1733000000},
                    "original": {"type": "github", "owner": "NixOS", "repo": "nixpkgs", "ref": "master"}}}})");
    StatusMonitor::Settings monitorSettings;
    monitorSettings.read.flake = true;
    StatusMonitor monitor(SystemLayout(m_tree->root()), monitorSettings);
    monitor.start();
    QVERIFY2(monitor.snapshot().flakeStatus.ok, qPrintable(monitor.snapshot().flakeStatus.error));
    UpgradeChecker checker(monitor, settings());
    QSignalSpy checked(&checker, &UpgradeChecker::checked);
    checker.start();
    QVERIFY(!checked.isEmpty() || checked.wait(5000)); // no request: answered at once
    QCOMPARE(
        monitor.snapshot().upgradeStatus.error,
        QStringLiteral(
            "cannot tell which channel to check: the flake's nixpkgs input follows \"master\", "
            "which is no channel; set collectors.upgrade.channel or url"));
    QCOMPARE(m_server->requestCount(), 0);
}

void TestUpgradeChecker::configuredUrlAndChannel()
{
    m_server->setAnswer({200, SameRevision, {}});
    {
        UpgradeChecker::Settings s = settings();
        s.channel = QStringLiteral("nixos-unstable");
        s.baseUrl += QStringLiteral("/channels/");
        UpgradeChecker checker(*m_monitor, s);
        QSignalSpy checked(&checker, &UpgradeChecker::checked);
        checker.start();
        QVERIFY(checked.wait(5000));
        QCOMPARE(m_server->paths().last(), QByteArray("/channels/nixos-unstable/git-revision"));
        QCOMPARE(m_monitor->snapshot().upgrade.channel, QStringLiteral("nixos-unstable"));
    }
    UpgradeChecker::Settings s = settings();
    s.url = m_server->baseUrl() + QStringLiteral("/my/branch-head");
    UpgradeChecker checker(*m_monitor, s);
    QSignalSpy checked(&checker, &UpgradeChecker::checked);
    checker.start();
    QVERIFY(checked.wait(5000));
    QCOMPARE(m_server->paths().last(), QByteArray("/my/branch-head"));
    QCOMPARE(m_monitor->snapshot().upgrade.url, s.url);
    QVERIFY(m_monitor->snapshot().upgradeStatus.ok);
}

void TestUpgradeChecker::intervalIsRespected()
{
    m_server->setAnswer({200, SameRevision, {}});
    UpgradeChecker::Settings s = settings();
    s.intervalMs = 1500;
    UpgradeChecker checker(*m_monitor, s);
    QSignalSpy checked(&checker, &UpgradeChecker::checked);
    checker.start();
    QVERIFY(checked.wait(5000));
    QCOMPARE(checker.nextDelayMs(), 1500);
    // Scans of the system do not trigger checks, and nothing is asked before the interval.
    m_monitor->requestRescan();
    QTest::qWait(1000);
    QCOMPARE(m_server->requestCount(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->requestCount(), 2, 3000);
    const QList<qint64> times = m_server->times();
    // The interval runs from when the checker sent the first request; the server sees each one
    // a little later, by a delay that varies under load (ASan, a busy CI machine).
    QVERIFY2(times[1] - times[0] >= 1300, qPrintable(QString::number(times[1] - times[0])));
}

void TestUpgradeChecker::anotherChannelIsCheckedAtOnce()
{
    m_server->setAnswer({200, SameRevision, {}});
    UpgradeChecker checker(*m_monitor, settings()); // interval: a minute
    QSignalSpy checked(&checker, &UpgradeChecker::checked);
    checker.start();
    QVERIFY(checked.wait(5000));
    QCOMPARE(m_server->paths(), QList<QByteArray>{"/nixos-24.11/git-revision"});
    // nixos-rebuild switch to a system of the next release.
    FixtureTree::SystemSpec spec{QStringLiteral("two")};
    spec.label = QStringLiteral("25.05.20250601.1234567");
    const QString system = m_tree->addSystem(spec);
    m_tree->addGeneration(2, system, 1'700'000'100);
    m_tree->setCurrentSystem(system);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->requestCount(), 2, 5000);
    QCOMPARE(m_server->paths().last(), QByteArray("/nixos-25.05/git-revision"));
    QTRY_COMPARE_WITH_TIMEOUT(m_monitor->snapshot().upgrade.channel, QStringLiteral("nixos-25.05"),
                              5000);
    QCOMPARE(Upgrade::pending(m_monitor->snapshot()),
             std::optional<bool>(true)); // 1234567 vs abcdef0...
    // A scan that changes nothing else does not ask again.
    m_monitor->requestRescan();
    QTest::qWait(500);
    QCOMPARE(m_server->requestCount(), 2);
}

void TestUpgradeChecker::backoffGrows()
{
    m_server->setAnswer({500, "no", {}});
    UpgradeChecker::Settings s = settings();
    s.initialBackoffMs = 100;
    s.intervalMs = 700;
    UpgradeChecker checker(*m_monitor, s);
    QSignalSpy checked(&checker, &UpgradeChecker::checked);
    checker.start();
    QList<qint64> delays;
    while (delays.size() < 5) {
        QVERIFY(checked.wait(5000));
        delays.append(checker.nextDelayMs());
    }
    // Doubling, capped at the interval.
    QCOMPARE(delays, (QList<qint64>{100, 200, 400, 700, 700}));
    const QList<qint64> times = m_server->times();
    QVERIFY(times.size() >= 5);
    for (int i = 1; i < 4; ++i)
        QVERIFY2(times[i + 1] - times[i] > times[i] - times[i - 1], qPrintable(QString::number(i)));
    // A good answer resets the backoff and goes back to the interval.
    m_server->setAnswer({200, SameRevision, {}});
    QTRY_VERIFY_WITH_TIMEOUT(m_monitor->snapshot().upgradeStatus.ok, 3000);
    QCOMPARE(checker.nextDelayMs(), 700);
}

QTEST_GUILESS_MAIN(TestUpgradeChecker)
#include "tst_upgradechecker.moc"
