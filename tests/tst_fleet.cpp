// SPDX-License-Identifier: MIT
// The tray's fleet view against real components: two exporters on two fixture roots, read
// directly and through a real Prometheus scraping both.
#include "exporterprocess.h"
#include "fleetmonitor.h"
#include "goldenfixture.h"
#include "prometheusprocess.h"
#include "remotesnapshot.h"
#include "requiredtool.h"
#include "snapshotreader.h"
#include "statusjson.h"
#include "systemlayout.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

namespace {
const HostStatus *find(const QList<HostStatus> &hosts, quint16 port)
{
    for (const HostStatus &host : hosts) {
        if (host.host.endsWith(QStringLiteral(":%1").arg(port)))
            return &host;
    }
    return nullptr;
}

QStringList codes(const HostStatus &host)
{
    QStringList result;
    for (const Assessment::Finding &finding : host.assessment.findings)
        result.append(finding.code);
    result.sort();
    return result;
}
} // namespace

class TestFleet : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void throughPrometheus();
    void throughExporters();
    void unreachableExporterIsAnError();
    void combinedFindingsNameTheHost();
    void unknownSaysUnknown();
    void remoteSnapshotReadsBackStatus();

private:
    QList<HostStatus> poll(const FleetMonitor::Settings &settings);

    FixtureTree m_goldenTree;
    FixtureTree m_healthyTree;
    ExporterProcess m_golden;   // reboot required, nixpkgs stale
    ExporterProcess m_healthy;  // all well
};

void TestFleet::initTestCase()
{
    // The exporters read the real clock: the current generation is an hour old on any date, and
    // the golden lock's nixpkgs release (26.05) stays supported whatever NixOS's calendar says.
    GoldenFixture::build(m_goldenTree, QDateTime::currentSecsSinceEpoch() - 3600);
    GoldenFixture::buildHealthy(m_healthyTree, QDateTime::currentSecsSinceEpoch());
    QVERIFY2(m_golden.start({QStringLiteral("--root"), m_goldenTree.root(), QStringLiteral("--collector.flake"),
                             QStringLiteral("--flake.supported-releases=26.05")}),
             qPrintable(m_golden.error()));
    QVERIFY2(m_healthy.start({QStringLiteral("--root"), m_healthyTree.root()}), qPrintable(m_healthy.error()));
}

QList<HostStatus> TestFleet::poll(const FleetMonitor::Settings &settings)
{
    FleetMonitor fleet(settings);
    QSignalSpy changed(&fleet, &FleetMonitor::hostsChanged);
    fleet.start();
    if (!changed.wait(20'000))
        return {};
    return fleet.hosts();
}

void TestFleet::throughPrometheus()
{
    QString prometheusPath;
    NIXOS_REQUIRE_TOOL(prometheusPath, "prometheus", "prometheus", "prometheus");
    PrometheusProcess prometheus;
    QVERIFY2(prometheus.start({m_golden.port(), m_healthy.port()}), qPrintable(prometheus.error()));
    FleetMonitor::Settings settings;
    settings.prometheus = prometheus.url();
    const QList<HostStatus> hosts = poll(settings);
    QCOMPARE(hosts.size(), 2);

    const HostStatus *golden = find(hosts, m_golden.port());
    QVERIFY(golden);
    QCOMPARE(golden->assessment.level, Assessment::Level::Attention);
    QCOMPARE(codes(*golden), (QStringList{"nixpkgs-stale", "reboot-required"}));
    QVERIFY2(golden->summary.startsWith(QStringLiteral("generation 47 (booted 46) · nixpkgs ")), qPrintable(golden->summary));

    const HostStatus *healthy = find(hosts, m_healthy.port());
    QVERIFY(healthy);
    QCOMPARE(healthy->assessment.level, Assessment::Level::Ok);
    QVERIFY2(healthy->summary.startsWith(QStringLiteral("generation 12 · nixpkgs ")), qPrintable(healthy->summary));
    QVERIFY(!golden->snapshot);  // Prometheus' series say nothing of generations or inputs
}

void TestFleet::throughExporters()
{
    FleetMonitor::Settings settings;
    settings.exporters = {QStringLiteral("127.0.0.1:%1").arg(m_golden.port()),
                          QStringLiteral("http://127.0.0.1:%1").arg(m_healthy.port())};
    const QList<HostStatus> hosts = poll(settings);
    QCOMPARE(hosts.size(), 2);
    const HostStatus *golden = find(hosts, m_golden.port());
    QVERIFY(golden);
    QCOMPARE(golden->host, QStringLiteral("127.0.0.1:%1").arg(m_golden.port()));
    QCOMPARE(codes(*golden), (QStringList{"nixpkgs-stale", "reboot-required"}));
    QCOMPARE(find(hosts, m_healthy.port())->assessment.level, Assessment::Level::Ok);
    // Its generations and inputs too, for the details view.
    QVERIFY(golden->snapshot);
    QCOMPARE(golden->snapshot->generations.generations.size(), 3);
    QCOMPARE(golden->snapshot->flake.lock.inputs.size(), 24);
}

void TestFleet::unreachableExporterIsAnError()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    FleetMonitor::Settings settings;
    settings.exporters = {QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("127.0.0.1:%1").arg(m_healthy.port())};
    const QList<HostStatus> hosts = poll(settings);
    QCOMPARE(hosts.size(), 2);
    QCOMPARE(find(hosts, port)->assessment.level, Assessment::Level::Error);
    QCOMPARE(find(hosts, m_healthy.port())->assessment.level, Assessment::Level::Ok);
}

void TestFleet::combinedFindingsNameTheHost()
{
    Assessment local;
    HostStatus web1;
    web1.host = QStringLiteral("web1:9971");
    web1.assessment.level = Assessment::Level::Attention;
    web1.assessment.findings = {{QStringLiteral("reboot-required"), Assessment::Level::Attention,
                                 QStringLiteral("reboot required: linux 6.6.1 → 6.6.5"), QStringLiteral("reboot-required:/nix/store/x")}};
    HostStatus web2 = web1;
    web2.host = QStringLiteral("web2:9971");
    const Assessment combined = Fleet::combine(local, {web1, web2});
    QCOMPARE(combined.level, Assessment::Level::Attention);
    QCOMPARE(combined.findings.size(), 2);
    QCOMPARE(combined.findings[0].message, QStringLiteral("web1:9971: reboot required: linux 6.6.1 → 6.6.5"));
    // The same condition on two machines is two conditions: each gets its notification.
    QVERIFY(combined.findings[0].key != combined.findings[1].key);
    QVERIFY(combined.findings[1].key.startsWith(QLatin1String("web2:9971/")));
}

void TestFleet::unknownSaysUnknown()
{
    // An empty root (nothing known), and a system started with `nixos-rebuild test` (running a
    // system that is no generation, booted generation known): the words say "unknown" rather
    // than leaving it out.
    QTemporaryDir empty;
    ExporterProcess nothing;
    QVERIFY2(nothing.start({QStringLiteral("--root"), empty.path()}), qPrintable(nothing.error()));
    FixtureTree testTree;
    const QString booted = GoldenFixture::buildHealthy(testTree, QDateTime::currentSecsSinceEpoch());
    FixtureTree::SystemSpec spec;
    spec.name = QStringLiteral("tested");
    testTree.setCurrentSystem(testTree.addSystem(spec));
    ExporterProcess tested;
    QVERIFY2(tested.start({QStringLiteral("--root"), testTree.root()}), qPrintable(tested.error()));
    QVERIFY(!booted.isEmpty());

    FleetMonitor::Settings settings;
    settings.exporters = {QStringLiteral("127.0.0.1:%1").arg(nothing.port()),
                          QStringLiteral("127.0.0.1:%1").arg(tested.port())};
    const QList<HostStatus> hosts = poll(settings);
    QCOMPARE(hosts.size(), 2);
    QCOMPARE(find(hosts, nothing.port())->summary, QStringLiteral("generation unknown · nixpkgs age unknown"));
    QVERIFY2(find(hosts, tested.port())->summary.startsWith(QStringLiteral("generation unknown (booted 12) · nixpkgs ")),
             qPrintable(find(hosts, tested.port())->summary));
}

void TestFleet::remoteSnapshotReadsBackStatus()
{
    // What the exporter writes into /status, read back: what the details view shows is as it was.
    FixtureTree tree;
    const GoldenFixture::StorePaths systems = GoldenFixture::build(tree);
    tree.symlink(systems.generation47 + QStringLiteral("/specialisation/gaming"), systems.generation46);
    ReadOptions read;
    read.flake = true;
    const Snapshot local = SnapshotReader::read(SystemLayout(tree.root()), read);
    const qint64 now = GoldenFixture::Generation47Created + 3600;
    const std::optional<Snapshot> remote =
        RemoteSnapshot::fromStatusJson(StatusJson::toJson(local, Assessment::of(local, Thresholds(), now), now));
    QVERIFY(remote);
    QCOMPARE(remote->flakeStatus.ok, true);
    QVERIFY(remote->flake == local.flake);
    const GenerationState &theirs = remote->generations;
    const GenerationState &ours = local.generations;
    QVERIFY(theirs.generationsListed);
    QCOMPARE(theirs.currentGeneration, ours.currentGeneration);
    QCOMPARE(theirs.bootedGeneration, ours.bootedGeneration);
    QCOMPARE(theirs.defaultGeneration, ours.defaultGeneration);
    QCOMPARE(theirs.currentSystem->version, ours.currentSystem->version);
    QCOMPARE(theirs.generations.size(), ours.generations.size());
    for (qsizetype i = 0; i < ours.generations.size(); ++i) {
        QCOMPARE(theirs.generations[i].number, ours.generations[i].number);
        QCOMPARE(theirs.generations[i].created, ours.generations[i].created);
        QCOMPARE(theirs.generations[i].system.version, ours.generations[i].system.version);
        QCOMPARE(theirs.generations[i].system.kernelVersion, ours.generations[i].system.kernelVersion);
        QCOMPARE(theirs.generations[i].system.specialisations, ours.generations[i].system.specialisations);
    }
    QCOMPARE(theirs.generations.last().system.specialisations, QStringList{QStringLiteral("gaming")});

    // A document that is not an exporter's /status (no sources): nothing to show, rather than
    // "no generations".
    QVERIFY(!RemoteSnapshot::fromStatusJson(QJsonObject{{QStringLiteral("system"), QJsonObject{}}}));
}

QTEST_GUILESS_MAIN(TestFleet)
#include "tst_fleet.moc"
