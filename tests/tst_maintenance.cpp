// SPDX-License-Identifier: MIT
// The maintenance collector in the real nixos-exporter against python3-dbusmock's systemd
// template on a private bus that DBUS_SYSTEM_BUS_ADDRESS points at: units and timers added
// and changed while the exporter runs reach /metrics and /status through systemd's signals
// (the exporter never polls systemd); a unit systemd does not have has no series; no system
// bus, or no systemd on it, fails only this collector. Runs under tests/withsession.sh.
#include "cliprocess.h"
#include "systemdmock.h"
#include "exporterprocess.h"
#include "fixturetree.h"
#include "goldenfixture.h"
#include "requiredtool.h"
#include "samplevalue.h"
#include "statustext.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {
constexpr qint64 Day = 86400;

QString series(const char *family, const char *unit)
{
    return QStringLiteral("%1{unit=\"%2\"}").arg(QLatin1String(family), QLatin1String(unit));
}
QVariant usec(qint64 seconds)
{
    return SystemdMock::usec(seconds);
}
} // namespace

class TestMaintenance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void unitsFollowSystemd();
    void noSystemBusFailsOnlyThisCollector();
    void noSystemdOnTheBus();

private:
    QByteArray metrics() { return m_exporter->get(QStringLiteral("/metrics")).body; }
    QJsonObject status() { return QJsonDocument::fromJson(m_exporter->get(QStringLiteral("/status")).body).object(); }
    QStringList findingCodes();

    FixtureTree *m_tree = nullptr;
    ExporterProcess *m_exporter = nullptr;
    SystemdMock *m_systemd = nullptr;
    qint64 m_now = 0;
};

void TestMaintenance::initTestCase()
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        QSKIP("no private bus: run through tests/withsession.sh");
    NIXOS_REQUIRE_FOUND(DBusMock::python(), DBusMock::pythonMissing());
    // This process, the mock and the exporter all take the private bus for the system bus.
    qputenv("DBUS_SYSTEM_BUS_ADDRESS", qgetenv("DBUS_SESSION_BUS_ADDRESS"));
}

void TestMaintenance::init()
{
    m_now = QDateTime::currentSecsSinceEpoch();
    m_tree = new FixtureTree;
    GoldenFixture::build(*m_tree);
    m_exporter = new ExporterProcess;
    m_systemd = new SystemdMock;
}

void TestMaintenance::cleanup()
{
    delete m_exporter;
    delete m_systemd;
    delete m_tree;
}

QStringList TestMaintenance::findingCodes()
{
    QStringList codes;
    for (const QJsonValue &finding : status()[QStringLiteral("assessment")][QStringLiteral("findings")].toArray())
        codes.append(finding[QStringLiteral("code")].toString());
    return codes;
}

void TestMaintenance::unitsFollowSystemd()
{
    const QString started = m_systemd->start();
    QVERIFY2(started.isEmpty(), qPrintable(started));

    // Auto-upgrade succeeded three days ago and its timer fires in five hours; nothing else.
    const qint64 upgradeEnded = m_now - 3 * Day;
    QCOMPARE(m_systemd->addUnit(QStringLiteral("nixos-upgrade.service"),
                                {{QStringLiteral("InactiveEnterTimestamp"), usec(upgradeEnded)}},
                                {{QStringLiteral("Result"), QStringLiteral("success")},
                                 {QStringLiteral("ExecMainExitTimestamp"), usec(upgradeEnded)}}),
             QString());
    QCOMPARE(m_systemd->addUnit(QStringLiteral("nixos-upgrade.timer"), {},
                                {{QStringLiteral("LastTriggerUSec"), usec(upgradeEnded - 600)},
                                 {QStringLiteral("NextElapseUSecRealtime"), usec(m_now + 5 * 3600)}}),
             QString());
    QCOMPARE(m_systemd->update(QStringLiteral("nixos-upgrade.timer"), SystemdMock::Unit,
                               {{QStringLiteral("ActiveState"), QStringLiteral("active")}}),
             QString());

    QVERIFY2(m_exporter->start({QStringLiteral("--root"), m_tree->root(), QStringLiteral("--collector.maintenance")}),
             qPrintable(m_exporter->error()));
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(metrics(), QStringLiteral("nixos_exporter_collector_success{collector=\"maintenance\"}")),
                              QStringLiteral("1"), 10'000);
    QVERIFY(!m_systemd->mock().calls(QStringLiteral("Subscribe")).isEmpty());
    QByteArray body = metrics();
    QCOMPARE(sampleValue(body, series("nixos_maintenance_unit_present", "nixos-upgrade.service")), QStringLiteral("1"));
    QCOMPARE(sampleValue(body, series("nixos_maintenance_unit_present", "nixos-upgrade.timer")), QStringLiteral("1"));
    QCOMPARE(sampleValue(body, series("nixos_maintenance_unit_active", "nixos-upgrade.timer")), QStringLiteral("1"));
    QCOMPARE(sampleValue(body, series("nixos_maintenance_last_run_timestamp_seconds", "nixos-upgrade.service")),
             QString::number(upgradeEnded));
    QCOMPARE(sampleValue(body, series("nixos_maintenance_last_run_success", "nixos-upgrade.service")), QStringLiteral("1"));
    QCOMPARE(sampleValue(body, series("nixos_maintenance_last_run_timestamp_seconds", "nixos-upgrade.timer")),
             QString::number(upgradeEnded - 600));
    QCOMPARE(sampleValue(body, series("nixos_maintenance_next_run_timestamp_seconds", "nixos-upgrade.timer")),
             QString::number(m_now + 5 * 3600));
    // Units systemd does not have (GetUnit fails, LoadUnit says not-found) have no series at all.
    QVERIFY(!body.contains("nix-gc"));
    QVERIFY(!body.contains("nix-optimise"));
    QVERIFY(!m_systemd->mock().calls(QStringLiteral("LoadUnit")).isEmpty());

    QJsonObject document = status();
    QCOMPARE(document[QStringLiteral("sources")][QStringLiteral("maintenance")][QStringLiteral("ok")].toBool(), true);
    const QJsonObject upgrade = document[QStringLiteral("maintenance")][QStringLiteral("tasks")][0].toObject();
    QCOMPARE(upgrade[QStringLiteral("name")].toString(), QStringLiteral("auto-upgrade"));
    QCOMPARE(upgrade[QStringLiteral("present")].toBool(), true);
    QCOMPARE(upgrade[QStringLiteral("scheduled")].toBool(), true);
    QCOMPARE(upgrade[QStringLiteral("last_success_at")].toInteger(), upgradeEnded);
    QCOMPARE(upgrade[QStringLiteral("next_run_at")].toInteger(), m_now + 5 * 3600);
    const QJsonObject gc = document[QStringLiteral("maintenance")][QStringLiteral("tasks")][1].toObject();
    QCOMPARE(gc[QStringLiteral("present")].toBool(), false);
    QVERIFY(gc[QStringLiteral("last_run_at")].isNull());
    QVERIFY(!findingCodes().contains(QStringLiteral("auto-upgrade-failed")));
    // The CLI's report of this exporter says it in words.
    const CliRun report = runCli({QStringLiteral("--remote"), QStringLiteral("127.0.0.1:%1").arg(m_exporter->port())});
    QVERIFY2(report.out.contains("\nMaintenance\n  auto-upgrade: last success 3 days ago, next run "
                                 + StatusText::when(m_now + 5 * 3600, m_now).toUtf8() + '\n'),
             report.out.constData());

    // Quiet systemd, quiet exporter: nothing is read again without a signal.
    m_systemd->mock().clearCalls();
    QTest::qWait(1500);
    for (int i = 0; i < 3; ++i)
        metrics();
    QCOMPARE(m_systemd->mock().calls(QStringLiteral("GetAll")).size(), 0);
    QCOMPARE(m_systemd->mock().calls(QStringLiteral("GetUnit")).size(), 0);

    // The next run fails: PropertiesChanged brings it to /metrics and /status.
    QCOMPARE(m_systemd->update(QStringLiteral("nixos-upgrade.service"), SystemdMock::Service,
                               {{QStringLiteral("Result"), QStringLiteral("exit-code")},
                                {QStringLiteral("ExecMainExitTimestamp"), usec(m_now - 60)}}),
             QString());
    QCOMPARE(m_systemd->update(QStringLiteral("nixos-upgrade.service"), SystemdMock::Unit,
                               {{QStringLiteral("ActiveState"), QStringLiteral("failed")}}),
             QString());
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(metrics(), series("nixos_maintenance_last_run_success", "nixos-upgrade.service")),
                              QStringLiteral("0"), 5'000);
    QCOMPARE(sampleValue(metrics(), series("nixos_maintenance_last_run_timestamp_seconds", "nixos-upgrade.service")),
             QString::number(m_now - 60));
    QTRY_VERIFY_WITH_TIMEOUT(findingCodes().contains(QStringLiteral("auto-upgrade-failed")), 5'000);

    // Garbage collection appears (a switch that enabled it: UnitNew) with a timer that last
    // fired twelve days ago: its series appear, and the finding once the timer is active.
    QCOMPARE(m_systemd->addUnit(QStringLiteral("nix-gc.service"), {}, {{QStringLiteral("Result"), QStringLiteral("success")}}),
             QString());
    QCOMPARE(m_systemd->addUnit(QStringLiteral("nix-gc.timer"), {},
                                {{QStringLiteral("LastTriggerUSec"), usec(m_now - 12 * Day)},
                                 {QStringLiteral("NextElapseUSecRealtime"), usec(m_now + Day)}}),
             QString());
    QVERIFY(m_systemd->emitUnitNew(QStringLiteral("nix-gc.service")));
    QVERIFY(m_systemd->emitUnitNew(QStringLiteral("nix-gc.timer")));
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(metrics(), series("nixos_maintenance_unit_present", "nix-gc.timer")),
                              QStringLiteral("1"), 5'000);
    body = metrics();
    QCOMPARE(sampleValue(body, series("nixos_maintenance_unit_present", "nix-gc.service")), QStringLiteral("1"));
    QCOMPARE(sampleValue(body, series("nixos_maintenance_unit_active", "nix-gc.timer")), QStringLiteral("0"));
    // Never ran since boot: no last run and no success for the service, not a made-up 0.
    QVERIFY(sampleValue(body, series("nixos_maintenance_last_run_timestamp_seconds", "nix-gc.service")).isEmpty());
    QVERIFY(sampleValue(body, series("nixos_maintenance_last_run_success", "nix-gc.service")).isEmpty());
    QVERIFY(!findingCodes().contains(QStringLiteral("gc-overdue")));
    QCOMPARE(m_systemd->update(QStringLiteral("nix-gc.timer"), SystemdMock::Unit,
                               {{QStringLiteral("ActiveState"), QStringLiteral("active")}}),
             QString());
    QTRY_VERIFY_WITH_TIMEOUT(findingCodes().contains(QStringLiteral("gc-overdue")), 5'000);
    document = status();
    QCOMPARE(document[QStringLiteral("assessment")][QStringLiteral("level")].toString(), QStringLiteral("attention"));
    bool told = false;
    for (const QJsonValue &finding : document[QStringLiteral("assessment")][QStringLiteral("findings")].toArray())
        told = told || finding[QStringLiteral("message")].toString() == QLatin1String("garbage collection has not run for 12 days");
    QVERIFY(told);

    // A daemon-reload after which the timer is gone (LoadUnit: not-found): its series go.
    QCOMPARE(m_systemd->manager(QStringLiteral("RemoveObject"), {SystemdMock::unitPath(QStringLiteral("nix-gc.timer"))}),
             QString());
    QCOMPARE(m_systemd->addMethod(QStringLiteral("GetUnit"), QStringLiteral("s"), QStringLiteral("o"),
                                  QStringLiteral("ret = self.units[args[0] if args[0] != 'nix-gc.timer' else 'gone']")),
             QString());
    QCOMPARE(m_systemd->addMethod(QStringLiteral("LoadUnit"), QStringLiteral("s"), QStringLiteral("o"),
                                  QStringLiteral("ret = self.units.get(args[0] if args[0] != 'nix-gc.timer' else 'gone', '%1')")
                                      .arg(SystemdMock::NotFoundPath)),
             QString());
    QVERIFY(m_systemd->emitReloaded());
    QTRY_VERIFY_WITH_TIMEOUT(!metrics().contains("nix-gc.timer"), 5'000);
    QVERIFY(metrics().contains("nix-gc.service"));
    QTRY_VERIFY_WITH_TIMEOUT(!findingCodes().contains(QStringLiteral("gc-overdue")), 5'000);
}

void TestMaintenance::noSystemBusFailsOnlyThisCollector()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("DBUS_SYSTEM_BUS_ADDRESS"), QStringLiteral("unix:path=") + m_tree->root() + QStringLiteral("/no-bus"));
    m_exporter->process().setProcessEnvironment(environment);
    QVERIFY2(m_exporter->start({QStringLiteral("--root"), m_tree->root(), QStringLiteral("--collector.maintenance")}),
             qPrintable(m_exporter->error()));
    const QByteArray body = metrics();
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_exporter_collector_success{collector=\"maintenance\"}")), QStringLiteral("0"));
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_exporter_collector_success{collector=\"generation\"}")), QStringLiteral("1"));
    QVERIFY(!body.contains("nixos_maintenance_"));
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_current_generation")), QStringLiteral("47"));
    const QJsonObject document = status();
    const QString error = document[QStringLiteral("sources")][QStringLiteral("maintenance")][QStringLiteral("error")].toString();
    QVERIFY2(error.startsWith(QLatin1String("no system bus: ")), qPrintable(error));
    QVERIFY(document[QStringLiteral("maintenance")][QStringLiteral("tasks")].isNull());
}

void TestMaintenance::noSystemdOnTheBus()
{
    // A bus without org.freedesktop.systemd1 (a container without systemd).
    QVERIFY2(m_exporter->start({QStringLiteral("--root"), m_tree->root(), QStringLiteral("--collector.maintenance")}),
             qPrintable(m_exporter->error()));
    QString error;
    QTRY_VERIFY_WITH_TIMEOUT(
        !(error = status()[QStringLiteral("sources")][QStringLiteral("maintenance")][QStringLiteral("error")].toString()).isEmpty(),
        10'000);
    QVERIFY2(error.startsWith(QLatin1String("systemd ")), qPrintable(error));
    const QByteArray body = metrics();
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_exporter_collector_success{collector=\"maintenance\"}")), QStringLiteral("0"));
    QVERIFY(!body.contains("nixos_maintenance_"));
}

QTEST_GUILESS_MAIN(TestMaintenance)
#include "tst_maintenance.moc"
