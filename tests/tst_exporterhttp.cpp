// SPDX-License-Identifier: MIT
// nixos-exporter as a process, over HTTP: routes, methods, gzip, live updates, failures.
#include "exporterprocess.h"
#include "goldenfixture.h"
#include "samplevalue.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryFile>
#include <QTest>

#include <zlib.h>

namespace {
QByteArray gunzip(const QByteArray &data)
{
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK)
        return {};
    QByteArray output(1 << 20, Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(output.data());
    stream.avail_out = uInt(output.size());
    const int result = inflate(&stream, Z_FINISH);
    output.truncate(qsizetype(stream.total_out));
    inflateEnd(&stream);
    return result == Z_STREAM_END ? output : QByteArray();
}

// The value of an unlabelled or labelled sample, as text; empty if the series is absent.
} // namespace

class TestExporterHttp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void metricsServesTheFixture();
    void gzipWhenAccepted();
    void statusIsVersionedJson();
    void landingPage();
    void otherPathsAndMethods();
    void headSendsNoBody();
    void switchShowsWithinASecond();
    void agesAdvanceBetweenScrapes();
    void brokenLockFailsOnlyTheFlakeCollector();
    void missingBootedSystemOmitsRebootMetrics();
    void disabledCollectorIsAbsent();
    void configuredReleasesJudgeTheBranches();
    void badFlagsFailWithOneLine_data();
    void badFlagsFailWithOneLine();
    void badConfigNamesFileAndLine();

private:
    FixtureTree *m_tree = nullptr;
    ExporterProcess *m_exporter = nullptr;
    GoldenFixture::StorePaths m_systems;
    bool startExporter(const QStringList &extra = {});
};

void TestExporterHttp::init()
{
    m_tree = new FixtureTree;
    m_systems = GoldenFixture::build(*m_tree);
    m_exporter = new ExporterProcess;
}

void TestExporterHttp::cleanup()
{
    delete m_exporter;
    delete m_tree;
}

bool TestExporterHttp::startExporter(const QStringList &extra)
{
    const bool started = m_exporter->start(QStringList{QStringLiteral("--root"), m_tree->root(),
                                                       QStringLiteral("--collector.flake")} + extra);
    if (!started)
        qWarning("exporter did not start: %s", qPrintable(m_exporter->error()));
    return started;
}

void TestExporterHttp::metricsServesTheFixture()
{
    QVERIFY(startExporter());
    const ExporterProcess::Reply reply = m_exporter->get(QStringLiteral("/metrics"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Content-Type"), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
    QCOMPARE(sampleValue(reply.body, QStringLiteral("nixos_current_generation")), QStringLiteral("47"));
    QCOMPARE(sampleValue(reply.body, QStringLiteral("nixos_booted_generation")), QStringLiteral("46"));
    QCOMPARE(sampleValue(reply.body, QStringLiteral("nixos_reboot_required")), QStringLiteral("1"));
    QCOMPARE(sampleValue(reply.body, QStringLiteral("nixos_flake_input_last_modified_timestamp_seconds{input=\"nixpkgs\",type=\"github\",owner=\"NixOS\",ref=\"nixos-26.05-small\"}")),
             QStringLiteral("1786245335"));
    QCOMPARE(sampleValue(reply.body, QStringLiteral("nixos_exporter_collector_success{collector=\"flake\"}")), QStringLiteral("1"));
    // Ages are computed when scraped, from the link time.
    const qint64 age = sampleValue(reply.body, QStringLiteral("nixos_generation_age_seconds")).toLongLong();
    QVERIFY(qAbs(age - (QDateTime::currentSecsSinceEpoch() - GoldenFixture::Generation47Created)) <= 5);
    QVERIFY(reply.header("Content-Encoding").isEmpty());
}

void TestExporterHttp::gzipWhenAccepted()
{
    QVERIFY(startExporter());
    const ExporterProcess::Reply plain = m_exporter->get(QStringLiteral("/metrics"));
    const ExporterProcess::Reply zipped = m_exporter->request("GET", QStringLiteral("/metrics"),
                                                              {{"Accept-Encoding", "gzip, deflate"}});
    QCOMPARE(zipped.status, 200);
    QCOMPARE(zipped.header("Content-Encoding"), QByteArray("gzip"));
    QVERIFY(zipped.body.size() < plain.body.size() / 3);
    const QByteArray unpacked = gunzip(zipped.body);
    QCOMPARE(sampleValue(unpacked, QStringLiteral("nixos_current_generation")), QStringLiteral("47"));
    QCOMPARE(unpacked.count('\n'), plain.body.count('\n'));

    const ExporterProcess::Reply refused = m_exporter->request("GET", QStringLiteral("/metrics"),
                                                               {{"Accept-Encoding", "gzip;q=0"}});
    QVERIFY(refused.header("Content-Encoding").isEmpty());
}

void TestExporterHttp::statusIsVersionedJson()
{
    QVERIFY(startExporter());
    const ExporterProcess::Reply reply = m_exporter->get(QStringLiteral("/status"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Content-Type"), QByteArray("application/json"));
    QJsonParseError error;
    const QJsonObject status = QJsonDocument::fromJson(reply.body, &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(status[QStringLiteral("schema_version")].toInt(), 1);
    const QJsonObject system = status[QStringLiteral("system")].toObject();
    QCOMPARE(system[QStringLiteral("current_generation")].toInt(), 47);
    QCOMPARE(system[QStringLiteral("booted_generation")].toInt(), 46);
    QCOMPARE(system[QStringLiteral("reboot_required")].toBool(), true);
    QCOMPARE(system[QStringLiteral("generations")].toArray().size(), 3);
    QCOMPARE(system[QStringLiteral("current_system")].toObject()[QStringLiteral("kernel_version")].toString(),
             QStringLiteral("6.12.52"));
    const QJsonObject assessment = status[QStringLiteral("assessment")].toObject();
    QCOMPARE(assessment[QStringLiteral("level")].toString(), QStringLiteral("attention"));
    QCOMPARE(assessment[QStringLiteral("findings")].toArray().first()[QStringLiteral("message")].toString(),
             QStringLiteral("reboot required: linux 6.12.41 → 6.12.52, initrd"));
    const QJsonArray inputs = status[QStringLiteral("flake")].toObject()[QStringLiteral("inputs")].toArray();
    QCOMPARE(inputs.size(), 24);
    QCOMPARE(status[QStringLiteral("nixpkgs")].toObject()[QStringLiteral("timestamp")].toInteger(), 1786245335);
}

void TestExporterHttp::landingPage()
{
    QVERIFY(startExporter());
    const ExporterProcess::Reply reply = m_exporter->get(QStringLiteral("/"));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.header("Content-Type").startsWith("text/html"));
    QVERIFY(reply.body.contains("href=\"metrics\""));
    QVERIFY(reply.body.contains("href=\"status\""));
    QVERIFY(reply.body.contains("<li>generation</li><li>flake</li>"));
}

void TestExporterHttp::otherPathsAndMethods()
{
    QVERIFY(startExporter());
    QCOMPARE(m_exporter->get(QStringLiteral("/nope")).status, 404);
    QCOMPARE(m_exporter->get(QStringLiteral("/metrics/extra")).status, 404);
    for (const QByteArray method : {"POST", "PUT", "DELETE", "PATCH"}) {
        const ExporterProcess::Reply reply = m_exporter->request(method, QStringLiteral("/metrics"));
        QCOMPARE(reply.status, 405);
        QCOMPARE(reply.header("Allow"), QByteArray("GET, HEAD"));
    }
    QCOMPARE(m_exporter->request("POST", QStringLiteral("/status")).status, 405);
    QCOMPARE(m_exporter->get(QStringLiteral("/metrics?debug=1")).status, 200);
    // Still serving after all that.
    QCOMPARE(m_exporter->get(QStringLiteral("/metrics")).status, 200);
}

// HEAD, then GET on the same connection: the second answer must start where the first ends
// (QHttpServer sends a HEAD's body unless told not to, and that body would open the next answer).
void TestExporterHttp::headSendsNoBody()
{
    QVERIFY(startExporter());
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_exporter->port());
    QVERIFY(socket.waitForConnected(5'000));
    QByteArray received;
    const auto readUntil = [&](const QByteArray &end) {
        QElapsedTimer timer;
        timer.start();
        while (!received.contains(end) && timer.elapsed() < 10'000)
            if (socket.waitForReadyRead(1'000))
                received += socket.readAll();
        return received.contains(end);
    };
    for (const char *path : {"/metrics", "/status", "/"}) {
        received.clear();
        socket.write("HEAD " + QByteArray(path) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QVERIFY2(readUntil("\r\n\r\n"), received.constData());
        QVERIFY2(received.startsWith("HTTP/1.1 200"), received.constData());
        socket.write("GET /status HTTP/1.1\r\nHost: localhost\r\n\r\n");
        const qsizetype headEnd = received.indexOf("\r\n\r\n") + 4;
        QVERIFY2(readUntil("\"schema_version\""), received.constData());
        QVERIFY2(received.mid(headEnd).startsWith("HTTP/1.1 200"), received.mid(headEnd, 200).constData());
        QVERIFY(readUntil("\n}\n"));  // the whole JSON document, before the next round
    }
}

void TestExporterHttp::switchShowsWithinASecond()
{
    QVERIFY(startExporter());
    // Roll back to generation 46 the way switch-to-configuration does: re-point the link.
    m_tree->setCurrentSystem(m_systems.generation46);
    QElapsedTimer timer;
    timer.start();
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(m_exporter->get(QStringLiteral("/metrics")).body,
                                          QStringLiteral("nixos_current_generation")),
                              QStringLiteral("46"), 1000);
    QCOMPARE(sampleValue(m_exporter->get(QStringLiteral("/metrics")).body, QStringLiteral("nixos_reboot_required")),
             QStringLiteral("0"));
    qInfo("new generation visible after %lld ms", timer.elapsed());
}

void TestExporterHttp::agesAdvanceBetweenScrapes()
{
    // The body and its gzip are rendered once per second of a snapshot (ExporterServer's
    // cache); ages must still follow the clock, in both forms.
    QVERIFY(startExporter());
    const auto age = [this](bool gzip) {
        const ExporterProcess::Reply reply =
            gzip ? m_exporter->request("GET", QStringLiteral("/metrics"), {{"Accept-Encoding", "gzip"}})
                 : m_exporter->get(QStringLiteral("/metrics"));
        return sampleValue(gzip ? gunzip(reply.body) : reply.body,
                           QStringLiteral("nixos_generation_age_seconds")).toLongLong();
    };
    const qint64 plain = age(false);
    const qint64 zipped = age(true);
    QVERIFY(plain > 0);
    QVERIFY(zipped >= plain && zipped <= plain + 1);
    QTRY_VERIFY_WITH_TIMEOUT(age(false) > plain, 3000);
    QTRY_VERIFY_WITH_TIMEOUT(age(true) > zipped, 3000);
}

void TestExporterHttp::brokenLockFailsOnlyTheFlakeCollector()
{
    QVERIFY(startExporter());
    m_tree->writeFile(QStringLiteral("/etc/nixos/flake.lock"), "{\"nodes\": 42");
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(m_exporter->get(QStringLiteral("/metrics")).body,
                                          QStringLiteral("nixos_exporter_collector_success{collector=\"flake\"}")),
                              QStringLiteral("0"), 1000);
    const QByteArray metrics = m_exporter->get(QStringLiteral("/metrics")).body;
    QCOMPARE(sampleValue(metrics, QStringLiteral("nixos_current_generation")), QStringLiteral("47"));
    QCOMPARE(sampleValue(metrics, QStringLiteral("nixos_exporter_collector_success{collector=\"generation\"}")), QStringLiteral("1"));
    QVERIFY(!metrics.contains("nixos_flake_input_info"));  // no stale or made-up inputs
    const QJsonObject status = QJsonDocument::fromJson(m_exporter->get(QStringLiteral("/status")).body).object();
    QVERIFY(status[QStringLiteral("sources")][QStringLiteral("flake")][QStringLiteral("error")].toString()
                .startsWith(QLatin1String("/etc/nixos/flake.lock: ")));
    QCOMPARE(m_exporter->process().state(), QProcess::Running);
}

void TestExporterHttp::missingBootedSystemOmitsRebootMetrics()
{
    QVERIFY(QFile::remove(m_tree->hostPath(QStringLiteral("/run/booted-system"))));
    QVERIFY(startExporter());
    const QByteArray metrics = m_exporter->get(QStringLiteral("/metrics")).body;
    QCOMPARE(sampleValue(metrics, QStringLiteral("nixos_current_generation")), QStringLiteral("47"));
    for (const char *absent : {"nixos_booted_generation", "nixos_config_mismatch", "nixos_reboot_required"})
        QVERIFY2(!metrics.contains(QByteArray(absent) + ' '), absent);
}

void TestExporterHttp::disabledCollectorIsAbsent()
{
    QVERIFY(startExporter({QStringLiteral("--no-collector.flake")}));
    const QByteArray metrics = m_exporter->get(QStringLiteral("/metrics")).body;
    QVERIFY(!metrics.contains("nixos_flake_"));
    QVERIFY(!metrics.contains("collector=\"flake\""));
    QVERIFY(metrics.contains("nixos_exporter_collector_success{collector=\"generation\"} 1"));
}

void TestExporterHttp::configuredReleasesJudgeTheBranches()
{
    // The fixture follows nixos-26.05-small; say only 26.11 is supported.
    QVERIFY(startExporter({QStringLiteral("--flake.supported-releases=26.11")}));
    const QByteArray metrics = m_exporter->get(QStringLiteral("/metrics")).body;
    QCOMPARE(sampleValue(metrics, QStringLiteral("nixos_flake_nixpkgs_branch_maintained{input=\"nixpkgs\",ref=\"nixos-26.05-small\",release=\"26.05\"}")),
             QStringLiteral("0"));
    QCOMPARE(sampleValue(metrics, QStringLiteral("nixos_flake_nixpkgs_branch_maintained{input=\"nixpkgs-unstable\",ref=\"nixpkgs-unstable\",release=\"\"}")),
             QStringLiteral("1"));
    const QJsonObject status = QJsonDocument::fromJson(m_exporter->get(QStringLiteral("/status")).body).object();
    bool told = false;
    for (const QJsonValue &finding : status[QStringLiteral("assessment")][QStringLiteral("findings")].toArray())
        told |= finding[QStringLiteral("message")].toString()
                == QStringLiteral("flake input nixpkgs follows nixos-26.05-small, which gets no more updates");
    QVERIFY(told);
}

void TestExporterHttp::badFlagsFailWithOneLine_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("bad address") << QStringList{"--listen=nope"} << "bad listen address \"nope\"";
    QTest::newRow("unknown flag") << QStringList{"--frobnicate"} << "Unknown option 'frobnicate'";
    QTest::newRow("unknown collector") << QStringList{"--collector.bogus"} << "Unknown option 'collector.bogus'";
    QTest::newRow("missing root") << QStringList{"--root", "/does/not/exist"} << "--root /does/not/exist: no such directory";
    QTest::newRow("missing config") << QStringList{"--config", "/does/not/exist.yml"} << "/does/not/exist.yml: ";
}

void TestExporterHttp::badFlagsFailWithOneLine()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    QProcess process;
    process.start(ExporterProcess::binary(), arguments);
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitCode(), 2);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.startsWith(QStringLiteral("nixos-exporter: ") + message), qPrintable(error));
}

void TestExporterHttp::badConfigNamesFileAndLine()
{
    QTemporaryFile config;
    QVERIFY(config.open());
    config.write("listen_addr: \":9971\"\ncollectors:\n  flake:\n    enabled: yes\n    lockpath: /x\n");
    config.close();
    QProcess process;
    process.start(ExporterProcess::binary(), {QStringLiteral("--config"), config.fileName()});
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitCode(), 2);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.startsWith(QStringLiteral("nixos-exporter: %1:5: unknown key \"lockpath\" in collectors.flake").arg(config.fileName())),
             qPrintable(error));
}

QTEST_GUILESS_MAIN(TestExporterHttp)
#include "tst_exporterhttp.moc"
