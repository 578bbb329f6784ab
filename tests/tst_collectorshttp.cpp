// SPDX-License-Identifier: MIT
// nixos-exporter as a process with the store and upgrade collectors: the figures of a
// generated Nix database and the answer of a local channel server reach /metrics and
// /status; promtool accepts the output with every collector on.
#include "exporterprocess.h"
#include "fakehttpserver.h"
#include "goldenfixture.h"
#include "nixstoredb.h"
#include "promtool.h"
#include "requiredtool.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

namespace {
QString sampleValue(const QByteArray &metrics, const QString &series)
{
    const QRegularExpression line(
        QStringLiteral("^%1 (\\S+)$").arg(QRegularExpression::escape(series)),
        QRegularExpression::MultilineOption);
    return line.match(QString::fromUtf8(metrics)).captured(1);
}

const QString DbPath = QStringLiteral("/nix/var/nix/db/db.sqlite");
} // namespace

class TestCollectorsHttp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void storeServesTheDatabase();
    void brokenDatabaseFailsOnlyTheStoreCollector();
    void upgradeFollowsTheChannelServer();
    void allCollectorsPassPromtool();

private:
    QByteArray metrics() { return m_exporter->get(QStringLiteral("/metrics")).body; }
    QJsonObject status()
    {
        return QJsonDocument::fromJson(m_exporter->get(QStringLiteral("/status")).body).object();
    }
    QString nixpkgsRevision();
    FixtureTree *m_tree = nullptr;
    ExporterProcess *m_exporter = nullptr;
    FakeHttpServer *m_server = nullptr;
    NixStoreDb::Result m_db;
};

void TestCollectorsHttp::init()
{
    m_tree = new FixtureTree;
    GoldenFixture::build(*m_tree);
    QVERIFY(QDir().mkpath(m_tree->hostPath(QStringLiteral("/nix/var/nix/db"))));
    m_db = NixStoreDb::create(m_tree->hostPath(DbPath), 20'000);
    QVERIFY2(m_db.error.isEmpty(), qPrintable(m_db.error));
    m_tree->symlink(QStringLiteral("/nix/var/nix/gcroots/auto/abc"),
                    QStringLiteral("/root/result"));
    m_tree->symlink(QStringLiteral("/root/result"),
                    QStringLiteral("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x"));
    m_exporter = new ExporterProcess;
    m_server = new FakeHttpServer;
}

void TestCollectorsHttp::cleanup()
{
    delete m_exporter;
    delete m_server;
    delete m_tree;
}

QString TestCollectorsHttp::nixpkgsRevision()
{
    const QJsonArray inputs = status()[QStringLiteral("flake")][QStringLiteral("inputs")].toArray();
    for (const QJsonValue &input : inputs) {
        if (input[QStringLiteral("name")].toString() == QLatin1String("nixpkgs"))
            return input[QStringLiteral("rev")].toString();
    }
    return {};
}

void TestCollectorsHttp::storeServesTheDatabase()
{
    QVERIFY2(m_exporter->start(
                 {QStringLiteral("--root"), m_tree->root(), QStringLiteral("--collector.store")}),
             qPrintable(m_exporter->error()));
    const QByteArray body = metrics();
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_store_path_count")), QStringLiteral("20000"));
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_store_size_bytes")),
             QString::number(m_db.sizeBytes));
    // The system profile's generation links (45 to 47) and the one indirect root.
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_store_gc_roots")), QStringLiteral("4"));
    QCOMPARE(
        sampleValue(body, QStringLiteral("nixos_exporter_collector_success{collector=\"store\"}")),
        QStringLiteral("1"));
    const QJsonObject json = status();
    QCOMPARE(json[QStringLiteral("store")][QStringLiteral("path_count")].toInteger(), 20000);
    QCOMPARE(json[QStringLiteral("store")][QStringLiteral("size_bytes")].toInteger(),
             m_db.sizeBytes);
    QCOMPARE(
        json[QStringLiteral("sources")][QStringLiteral("store")][QStringLiteral("ok")].toBool(),
        true);
    QVERIFY(json[QStringLiteral("upgrade")].isNull()); // disabled
}

void TestCollectorsHttp::brokenDatabaseFailsOnlyTheStoreCollector()
{
    QFile file(m_tree->hostPath(DbPath));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QByteArray(8192, '\x17'));
    file.close();
    QVERIFY2(m_exporter->start(
                 {QStringLiteral("--root"), m_tree->root(), QStringLiteral("--collector.store")}),
             qPrintable(m_exporter->error()));
    const QByteArray body = metrics();
    QCOMPARE(
        sampleValue(body, QStringLiteral("nixos_exporter_collector_success{collector=\"store\"}")),
        QStringLiteral("0"));
    QCOMPARE(sampleValue(body, QStringLiteral(
                                   "nixos_exporter_collector_success{collector=\"generation\"}")),
             QStringLiteral("1"));
    QVERIFY(!body.contains("nixos_store_path_count "));
    QVERIFY(!body.contains("nixos_store_size_bytes "));
    QCOMPARE(status()[QStringLiteral("sources")][QStringLiteral("store")][QStringLiteral("error")]
                 .toString(),
             QStringLiteral("/nix/var/nix/db/db.sqlite: file is not a database"));
}

void TestCollectorsHttp::upgradeFollowsTheChannelServer()
{
    // No answer yet: the first request waits until this test's event loop runs.
    m_server->setAnswer({200, "0000000000000000000000000000000000000000\n", {}});
    QVERIFY2(m_exporter->start(
                 {QStringLiteral("--root"), m_tree->root(), QStringLiteral("--collector.flake"),
                  QStringLiteral("--collector.upgrade"),
                  QStringLiteral("--collector.upgrade.base-url=") + m_server->baseUrl(),
                  QStringLiteral("--collector.upgrade.interval=1s")}),
             qPrintable(m_exporter->error()));
    const QString local = nixpkgsRevision();
    QCOMPARE(local.size(), 40);
    m_server->setAnswer(
        {200, local.toLatin1() + "\n", {{"Last-Modified", "Mon, 10 Aug 2026 12:00:00 GMT"}}});
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(metrics(), QStringLiteral("nixos_upgrade_pending")),
                              QStringLiteral("0"), 10000);
    QCOMPARE(m_server->paths().last(), QByteArray("/nixos-26.05-small/git-revision"));
    QByteArray body = metrics();
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_upgrade_channel_revision_info{channel=\"nixos-"
                                              "26.05-small\",revision=\"%1\"}")
                                   .arg(local)),
             QStringLiteral("1"));
    QCOMPARE(sampleValue(body,
                         QStringLiteral("nixos_exporter_collector_success{collector=\"upgrade\"}")),
             QStringLiteral("1"));

    // The channel moves on: 1 within the interval, and how far ahead from the lock's lastModified.
    m_server->setAnswer({200,
                         "1111111111111111111111111111111111111111\n",
                         {{"Last-Modified", "Mon, 10 Aug 2026 12:00:00 GMT"}}});
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(metrics(), QStringLiteral("nixos_upgrade_pending")),
                              QStringLiteral("1"), 10000);
    const qint64 headTime =
        QDateTime::fromString(QStringLiteral("2026-08-10T12:00:00Z"), Qt::ISODate)
            .toSecsSinceEpoch();
    QCOMPARE(sampleValue(metrics(), QStringLiteral("nixos_upgrade_behind_seconds")),
             QString::number(headTime - 1786245335));
    QJsonObject upgrade = status()[QStringLiteral("upgrade")].toObject();
    QCOMPARE(upgrade[QStringLiteral("pending")].toBool(), true);
    QCOMPARE(upgrade[QStringLiteral("local_revision")].toString(), local);
    QCOMPARE(upgrade[QStringLiteral("local_source")].toString(), QStringLiteral("flake"));
    QCOMPARE(upgrade[QStringLiteral("head_revision")].toString(),
             QStringLiteral("1111111111111111111111111111111111111111"));

    // The server breaks: the collector fails, the last good answer stays.
    m_server->setAnswer({500, "down", {}});
    QTRY_COMPARE_WITH_TIMEOUT(
        sampleValue(metrics(),
                    QStringLiteral("nixos_exporter_collector_success{collector=\"upgrade\"}")),
        QStringLiteral("0"), 10000);
    body = metrics();
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_upgrade_pending")), QStringLiteral("1"));
    QVERIFY(status()[QStringLiteral("sources")][QStringLiteral("upgrade")][QStringLiteral("error")]
                .toString()
                .contains(QLatin1String("HTTP 500")));
}

void TestCollectorsHttp::allCollectorsPassPromtool()
{
    QString promtool;
    NIXOS_REQUIRE_TOOL(promtool, "promtool", "prometheus", "prometheus.cli");
    m_server->setAnswer({200,
                         "1111111111111111111111111111111111111111\n",
                         {{"Last-Modified", "Mon, 10 Aug 2026 12:00:00 GMT"}}});
    QVERIFY2(m_exporter->start(
                 {QStringLiteral("--root"), m_tree->root(), QStringLiteral("--collector.flake"),
                  QStringLiteral("--collector.store"), QStringLiteral("--collector.upgrade"),
                  QStringLiteral("--collector.upgrade.base-url=") + m_server->baseUrl()}),
             qPrintable(m_exporter->error()));
    QTRY_VERIFY_WITH_TIMEOUT(metrics().contains("nixos_upgrade_pending "), 10000);
    const PromtoolLint lint = PromtoolLint::of(promtool, metrics());
    QVERIFY(lint.ran);
    QVERIFY2(lint.findings.isEmpty(), qPrintable(lint.findings.join(QLatin1Char('\n'))));
    QVERIFY2(lint.exitCode == 0 || lint.exitCode == 3, qPrintable(QString::number(lint.exitCode)));
}

QTEST_GUILESS_MAIN(TestCollectorsHttp)
#include "tst_collectorshttp.moc"
