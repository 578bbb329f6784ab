// SPDX-License-Identifier: MIT
// End to end: a real Prometheus server scrapes nixos-exporter on the golden fixture, and what
// Prometheus stores is what the fixture says.
#include "exporterprocess.h"
#include "goldenfixture.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>
#include <QUrlQuery>

namespace {
quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}
} // namespace

class TestPrometheus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void targetIsUp();
    void generationSeries();
    void flakeSeries();
    void collectorHealth();

private:
    // The result vector of an instant query.
    QJsonArray query(const QString &promql);

    FixtureTree m_tree;
    ExporterProcess m_exporter;
    QProcess m_prometheus;
    QTemporaryDir m_prometheusDir;
    quint16 m_prometheusPort = 0;
    QNetworkAccessManager m_network;
};

void TestPrometheus::initTestCase()
{
    const QString prometheus = QStandardPaths::findExecutable(QStringLiteral("prometheus"));
    if (prometheus.isEmpty()) {
        if (qEnvironmentVariableIsSet("NIXOS_STATUS_REQUIRE_TOOLS"))
            QFAIL("prometheus is required (Debian package prometheus)");
        QSKIP("prometheus not installed (Debian package prometheus)");
    }
    GoldenFixture::build(m_tree);
    QVERIFY2(m_exporter.start({QStringLiteral("--root"), m_tree.root(), QStringLiteral("--collector.flake")}),
             qPrintable(m_exporter.error()));

    QFile config(m_prometheusDir.filePath(QStringLiteral("prometheus.yml")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QStringLiteral("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                                "scrape_configs:\n  - job_name: nixos\n    static_configs:\n"
                                "      - targets: ['127.0.0.1:%1']\n")
                     .arg(m_exporter.port())
                     .toUtf8());
    config.close();
    m_prometheusPort = freePort();
    m_prometheus.setProcessChannelMode(QProcess::MergedChannels);
    m_prometheus.start(prometheus, {QStringLiteral("--config.file=") + config.fileName(),
                                    QStringLiteral("--storage.tsdb.path=") + m_prometheusDir.filePath(QStringLiteral("data")),
                                    QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_prometheusPort)});
    QVERIFY(m_prometheus.waitForStarted());
    // Prometheus needs a few seconds to start and scrape once.
    QTRY_VERIFY2_WITH_TIMEOUT(!query(QStringLiteral("up == 1")).isEmpty(),
                              qPrintable(QString::fromUtf8(m_prometheus.readAll().right(2000))), 60'000);
}

void TestPrometheus::cleanupTestCase()
{
    if (m_prometheus.state() != QProcess::NotRunning) {
        m_prometheus.terminate();
        if (!m_prometheus.waitForFinished(10'000))
            m_prometheus.kill();
    }
}

QJsonArray TestPrometheus::query(const QString &promql)
{
    QUrl url(QStringLiteral("http://127.0.0.1:%1/api/v1/query").arg(m_prometheusPort));
    url.setQuery(QUrlQuery{{QStringLiteral("query"), promql}});
    QNetworkReply *reply = m_network.get(QNetworkRequest(url));
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    return answer[QStringLiteral("data")][QStringLiteral("result")].toArray();
}

namespace {
QString value(const QJsonArray &result, int index = 0)
{
    return result.at(index)[QStringLiteral("value")].toArray().at(1).toString();
}
QString label(const QJsonArray &result, const QString &name, int index = 0)
{
    return result.at(index)[QStringLiteral("metric")][name].toString();
}
} // namespace

void TestPrometheus::targetIsUp()
{
    const QJsonArray up = query(QStringLiteral("up"));
    QCOMPARE(up.size(), 1);
    QCOMPARE(label(up, QStringLiteral("job")), QStringLiteral("nixos"));
    QCOMPARE(value(up), QStringLiteral("1"));
}

void TestPrometheus::generationSeries()
{
    QCOMPARE(value(query(QStringLiteral("nixos_current_generation"))), QStringLiteral("47"));
    QCOMPARE(value(query(QStringLiteral("nixos_booted_generation"))), QStringLiteral("46"));
    QCOMPARE(value(query(QStringLiteral("nixos_generation_count"))), QStringLiteral("3"));
    QCOMPARE(value(query(QStringLiteral("nixos_reboot_required"))), QStringLiteral("1"));
    const QJsonArray reasons = query(QStringLiteral("nixos_reboot_required_reason == 1"));
    QStringList parts;
    for (qsizetype i = 0; i < reasons.size(); ++i)
        parts.append(label(reasons, QStringLiteral("reason"), int(i)));
    parts.sort();
    QCOMPARE(parts, (QStringList{"initrd", "kernel", "kernel-modules"}));
    QCOMPARE(value(query(QStringLiteral("nixos_generation_timestamp_seconds{generation=\"47\"}"))),
             QString::number(GoldenFixture::Generation47Created));
}

void TestPrometheus::flakeSeries()
{
    const QJsonArray info = query(QStringLiteral("nixos_flake_input_info{input=\"nixpkgs\"}"));
    QCOMPARE(info.size(), 1);
    QCOMPARE(label(info, QStringLiteral("rev")), QStringLiteral("33ddeb9e7c03403e17814e8aac1f7affe6d70b21"));
    QCOMPARE(label(info, QStringLiteral("ref")), QStringLiteral("nixos-26.05-small"));
    QCOMPARE(value(query(QStringLiteral("count(nixos_flake_input_info)"))), QStringLiteral("24"));
    QCOMPARE(value(query(QStringLiteral("nixos_flake_input_last_modified_timestamp_seconds{input=\"nixpkgs\"}"))),
             QStringLiteral("1786245335"));
    // The age is the scrape time minus lastModified.
    const qint64 age = value(query(QStringLiteral("nixos_flake_input_age_seconds{input=\"nixpkgs\"}"))).toLongLong();
    QVERIFY(qAbs(age - (QDateTime::currentSecsSinceEpoch() - 1786245335)) < 60);
    // Inputs without lastModified (file inputs) have no age series rather than a fake 0.
    QVERIFY(query(QStringLiteral("nixos_flake_input_age_seconds{input=\"ai-robots-txt\"}")).isEmpty());
}

void TestPrometheus::collectorHealth()
{
    QCOMPARE(value(query(QStringLiteral("min(nixos_exporter_collector_success)"))), QStringLiteral("1"));
    QCOMPARE(query(QStringLiteral("nixos_exporter_build_info")).size(), 1);
}

QTEST_GUILESS_MAIN(TestPrometheus)
#include "tst_prometheus.moc"
