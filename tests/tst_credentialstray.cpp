// SPDX-License-Identifier: MIT
// No secret reaches the tray: the details window's input table for the credentials lock, and
// the fleet view of an older exporter that still serves raw URLs.
#include "credentialslock.h"
#include "detailswindow.h"
#include "fakehttpserver.h"
#include "fixturetree.h"
#include "fleetmonitor.h"
#include "snapshotreader.h"
#include "systemlayout.h"

#include <QApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

class TestCredentialsTray : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void detailsWindow();
    void fleetFromAnOlderExporter();
};

void TestCredentialsTray::detailsWindow()
{
    FixtureTree tree;
    FixtureTree::SystemSpec spec;
    const QString system = tree.addSystem(spec);
    tree.addGeneration(3, system, QDateTime::currentSecsSinceEpoch() - 3600);
    tree.setCurrentSystem(system);
    QFile lock(CredentialsLock::Path);
    QVERIFY(lock.open(QIODevice::ReadOnly));
    tree.writeFile(QStringLiteral("/etc/nixos/flake.lock"), lock.readAll());
    ReadOptions options;
    options.flake = true;
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(tree.root()), options);
    const qint64 now = QDateTime::currentSecsSinceEpoch();

    DetailsWindow details;
    details.setStatus(snapshot, Assessment::of(snapshot, Thresholds(), now), Thresholds(), now);
    const QTableWidget &inputs = details.machine().inputs();
    QCOMPARE(inputs.rowCount(), 13);
    QByteArray shown;
    for (int row = 0; row < inputs.rowCount(); ++row) {
        for (int column = 0; column < inputs.columnCount(); ++column) {
            if (const QTableWidgetItem *item = inputs.item(row, column))
                shown += item->text().toUtf8() + ' ' + item->toolTip().toUtf8() + '\n';
        }
    }
    // (The table names a URL input by its type only; whatever it shows, no secret.)
    QVERIFY2(shown.contains("secret ") && shown.contains("tarball"), shown.constData());
    const QList<QByteArray> found = CredentialsLock::secretsIn(shown);
    QVERIFY2(found.isEmpty(), found.join(", ").constData());
}

void TestCredentialsTray::fleetFromAnOlderExporter()
{
    const QJsonObject status{
        {QStringLiteral("schema_version"), 1},
        {QStringLiteral("system"), QJsonObject{{QStringLiteral("current_generation"), 3},
                                               {QStringLiteral("booted_generation"), 3}}},
        {QStringLiteral("assessment"),
         QJsonObject{{QStringLiteral("level"), QStringLiteral("error")},
                     {QStringLiteral("findings"),
                      QJsonArray{QJsonObject{
                          {QStringLiteral("code"), QStringLiteral("source-failed")},
                          {QStringLiteral("level"), QStringLiteral("error")},
                          {QStringLiteral("message"),
                           QStringLiteral("cannot read https://deploy:s3cr3tT0ken@git.example.org/infra/secrets.git "
                                          "or https://api.example.org/archive.tar.gz?access_token=glpat-XYZsecret")},
                          {QStringLiteral("key"), QStringLiteral("source-failed:flake")}}}}}}};
    FakeHttpServer older;
    older.setAnswer({200, QJsonDocument(status).toJson(), {{"Content-Type", "application/json"}}});

    FleetMonitor::Settings settings;
    // The address itself carries credentials, as a reverse proxy's may.
    settings.exporters = {QStringLiteral("http://scraper:ProxyPassw0rd@127.0.0.1:%1").arg(older.port())};
    FleetMonitor fleet(settings);
    QSignalSpy changed(&fleet, &FleetMonitor::hostsChanged);
    fleet.start();
    QVERIFY(changed.wait(20'000));
    QCOMPARE(fleet.hosts().size(), 1);
    const HostStatus &host = fleet.hosts().first();
    QCOMPARE(host.host, QStringLiteral("127.0.0.1:%1").arg(older.port()));
    QCOMPARE(host.assessment.findings.size(), 1);
    const QByteArray message = host.assessment.findings.first().message.toUtf8();
    QVERIFY2(message.contains("git.example.org/infra/secrets.git"), message.constData());
    QVERIFY2(CredentialsLock::secretsIn(message).isEmpty(), message.constData());
    QVERIFY(!host.host.contains(QLatin1String("ProxyPassw0rd")));
}

QTEST_MAIN(TestCredentialsTray)
#include "tst_credentialstray.moc"
