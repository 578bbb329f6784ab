// SPDX-License-Identifier: MIT
// The exporter's own telemetry over HTTP against the running binary, as node_exporter users
// expect it: process_* metrics, nixos_exporter_http_requests_total, --web.disable-exporter-metrics,
// --web.telemetry-path, several --web.listen-address (flags and the YAML list) and their errors.
#include "exporterprocess.h"
#include "goldenfixture.h"
#include "samplevalue.h"
#include "kernelclock.h"
#include "promtool.h"
#include "requiredtool.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

namespace {

double number(const QByteArray &metrics, const QString &series)
{
    bool ok = false;
    const double value = sampleValue(metrics, series).toDouble(&ok);
    return ok ? value : -1;
}

QString requests(const QByteArray &metrics, const QString &path, int code)
{
    return sampleValue(metrics, QStringLiteral("nixos_exporter_http_requests_total{path=\"%1\",code=\"%2\"}")
                                    .arg(path)
                                    .arg(code));
}

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
    const bool complete = result == Z_STREAM_END && stream.avail_in == 0;
    inflateEnd(&stream);
    return complete ? output : QByteArray();
}

// One GET over a plain socket to any of the exporter's ports: status code and body.
std::pair<int, QByteArray> get(quint16 port, const QByteArray &path)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {0, {}};
    socket.write("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    // Until the headers and Content-Length bytes of body are in (the server keeps the
    // connection open).
    QByteArray response;
    qsizetype headerEnd = -1;
    qsizetype length = -1;
    static const QRegularExpression contentLength(QStringLiteral("\r\ncontent-length: *(\\d+)"),
                                                  QRegularExpression::CaseInsensitiveOption);
    const QDeadlineTimer deadline(10'000);
    while (!deadline.hasExpired() && (headerEnd < 0 || response.size() < headerEnd + 4 + length)) {
        if (!socket.waitForReadyRead(int(deadline.remainingTime())))
            break;
        response += socket.readAll();
        if (headerEnd < 0 && (headerEnd = response.indexOf("\r\n\r\n")) >= 0) {
            const QRegularExpressionMatch match = contentLength.match(QString::fromLatin1(response.left(headerEnd)));
            length = match.hasMatch() ? match.captured(1).toLongLong() : 0;
        }
    }
    const QList<QByteArray> statusLine = response.left(response.indexOf("\r\n")).split(' ');
    return {statusLine.size() >= 2 ? statusLine[1].toInt() : 0,
            headerEnd < 0 ? QByteArray() : response.mid(headerEnd + 4)};
}

// An exporter started with exactly these arguments (no --listen added): the ports of its
// "listening on port N (...), port M (...)" line, or its output if it exits or stays silent.
struct Started
{
    QList<quint16> ports;
    QString output;
};

Started start(QProcess &process, const QStringList &arguments)
{
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.setReadChannel(QProcess::StandardError);
    process.start(ExporterProcess::binary(), arguments);
    static const QRegularExpression listening(QStringLiteral("listening on ([^\\n]*)"));
    static const QRegularExpression port(QStringLiteral("port (\\d+) \\("));
    QByteArray output;
    Started result;
    const QDeadlineTimer deadline(10'000);
    while (!deadline.hasExpired() && process.waitForReadyRead(int(deadline.remainingTime()))) {
        output += process.readAllStandardError();
        const QRegularExpressionMatch line = listening.match(QString::fromUtf8(output));
        if (line.hasMatch() && output.endsWith('\n')) {
            for (const QRegularExpressionMatch &match : port.globalMatch(line.captured(1)))
                result.ports.append(quint16(match.captured(1).toUInt()));
            return result;
        }
    }
    process.waitForFinished(5000);
    result.output = QString::fromUtf8(output + process.readAllStandardError());
    return result;
}

void stop(QProcess &process)
{
    if (process.state() != QProcess::NotRunning) {
        process.terminate();
        if (!process.waitForFinished(5000))
            process.kill();
    }
}

// The lines of a failed start's output that name `what`: there must be exactly one.
QStringList linesNaming(const QString &output, const QString &what)
{
    QStringList lines;
    for (const QString &line : output.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        if (line.contains(what))
            lines.append(line);
    }
    return lines;
}

} // namespace

class TestExporterTelemetry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void processMetricsArePlausible();
    void processMetricsAreFreshPerScrape();
    void requestsAreCountedByPathAndCode();
    void gzipCarriesTheExporterMetrics();
    void disableExporterMetrics();
    void telemetryPathMovesMetrics();
    void everyListenAddressIsServed();
    void yamlListOfAddresses();
    void flagsReplaceTheYamlList();
    void startErrorsNameTheAddress_data();
    void startErrorsNameTheAddress();
    void portInUseFailsTheStart();
    void passesPromtool();

private:
    bool startExporter(const QStringList &extra = {});

    FixtureTree *m_tree = nullptr;
    ExporterProcess *m_exporter = nullptr;
};

void TestExporterTelemetry::init()
{
    m_tree = new FixtureTree;
    GoldenFixture::build(*m_tree, QDateTime::currentSecsSinceEpoch() - 3600);
    m_exporter = new ExporterProcess;
}

void TestExporterTelemetry::cleanup()
{
    delete m_exporter;
    delete m_tree;
}

bool TestExporterTelemetry::startExporter(const QStringList &extra)
{
    const bool started = m_exporter->start(QStringList{QStringLiteral("--root"), m_tree->root()} + extra);
    if (!started)
        qWarning("exporter did not start: %s", qPrintable(m_exporter->error()));
    return started;
}

void TestExporterTelemetry::processMetricsArePlausible()
{
    QVERIFY(startExporter());
    const QByteArray metrics = m_exporter->get(QStringLiteral("/metrics")).body;
    // The client libraries' types.
    QVERIFY(metrics.contains("# TYPE process_cpu_seconds_total counter\n"));
    for (const char *gauge : {"process_open_fds", "process_max_fds", "process_virtual_memory_bytes",
                              "process_virtual_memory_max_bytes", "process_resident_memory_bytes",
                              "process_start_time_seconds"})
        QVERIFY2(metrics.contains("# TYPE " + QByteArray(gauge) + " gauge\n"), gauge);
    const double rss = number(metrics, QStringLiteral("process_resident_memory_bytes"));
    QVERIFY2(rss > 1024 * 1024, qPrintable(QString::number(rss)));
    QVERIFY(number(metrics, QStringLiteral("process_virtual_memory_bytes")) >= rss);
    QVERIFY(number(metrics, QStringLiteral("process_virtual_memory_max_bytes")) > 0);
    QVERIFY(number(metrics, QStringLiteral("process_cpu_seconds_total")) >= 0);
    const double openFds = number(metrics, QStringLiteral("process_open_fds"));
    const double maxFds = number(metrics, QStringLiteral("process_max_fds"));
    QVERIFY2(openFds >= 3 && openFds <= maxFds, qPrintable(QStringLiteral("%1 of %2").arg(openFds).arg(maxFds)));
    // Start times are on the kernel's clock (not libfaketime's, when the suite runs moved).
    const std::optional<double> kernelNow = KernelClock::now();
    QVERIFY(kernelNow);
    const double now = *kernelNow;
    const double started = number(metrics, QStringLiteral("process_start_time_seconds"));
    QVERIFY2(started > now - 300 && started <= now + 1, qPrintable(QString::number(now - started)));
}

void TestExporterTelemetry::processMetricsAreFreshPerScrape()
{
    // The body is cached per second of a snapshot; the exporter's own metrics are not: a
    // connection held open shows in the next scrape of the same second.
    QVERIFY(startExporter());
    const double before = number(m_exporter->get(QStringLiteral("/metrics")).body, QStringLiteral("process_open_fds"));
    QList<QTcpSocket *> sockets;
    for (int i = 0; i < 5; ++i) {
        auto *socket = new QTcpSocket(this);
        socket->connectToHost(QHostAddress::LocalHost, m_exporter->port());
        QVERIFY(socket->waitForConnected(5000));
        sockets.append(socket);
    }
    QTRY_VERIFY_WITH_TIMEOUT(number(m_exporter->get(QStringLiteral("/metrics")).body,
                                    QStringLiteral("process_open_fds")) >= before + 5, 5000);
    qDeleteAll(sockets);
}

void TestExporterTelemetry::requestsAreCountedByPathAndCode()
{
    QVERIFY(startExporter());
    // Before any request: a 0 for each route's 200, nothing for other paths.
    QByteArray metrics = m_exporter->get(QStringLiteral("/metrics")).body;
    QCOMPARE(requests(metrics, QStringLiteral("/metrics"), 200), QStringLiteral("0"));
    QCOMPARE(requests(metrics, QStringLiteral("/status"), 200), QStringLiteral("0"));
    QCOMPARE(requests(metrics, QStringLiteral("/"), 200), QStringLiteral("0"));
    QVERIFY(!metrics.contains("path=\"other\""));

    QCOMPARE(m_exporter->get(QStringLiteral("/status")).status, 200);
    QCOMPARE(m_exporter->get(QStringLiteral("/")).status, 200);
    QCOMPARE(m_exporter->request("POST", QStringLiteral("/status")).status, 405);
    QCOMPARE(m_exporter->request("HEAD", QStringLiteral("/metrics")).status, 200);
    // A scanner: many paths, one series.
    for (const QString &path : {QStringLiteral("/wp-login.php"), QStringLiteral("/.env"),
                                QStringLiteral("/metrics/"), QStringLiteral("/a/b/c?d=e"), QStringLiteral("/%00")})
        QCOMPARE(m_exporter->get(path).status, 404);

    metrics = m_exporter->get(QStringLiteral("/metrics")).body;
    // The first scrape and the HEAD; a scrape is counted after it is rendered.
    QCOMPARE(requests(metrics, QStringLiteral("/metrics"), 200), QStringLiteral("2"));
    QCOMPARE(requests(metrics, QStringLiteral("/status"), 200), QStringLiteral("1"));
    QCOMPARE(requests(metrics, QStringLiteral("/status"), 405), QStringLiteral("1"));
    QCOMPARE(requests(metrics, QStringLiteral("/"), 200), QStringLiteral("1"));
    QCOMPARE(requests(metrics, QStringLiteral("other"), 404), QStringLiteral("5"));
    QCOMPARE(metrics.count("nixos_exporter_http_requests_total{"), 5);
    QVERIFY(metrics.contains("# TYPE nixos_exporter_http_requests_total counter\n"));
    QCOMPARE(requests(m_exporter->get(QStringLiteral("/metrics")).body, QStringLiteral("/metrics"), 200),
             QStringLiteral("3"));
}

void TestExporterTelemetry::gzipCarriesTheExporterMetrics()
{
    QVERIFY(startExporter());
    for (int i = 0; i < 3; ++i) {
        const ExporterProcess::Reply zipped =
            m_exporter->request("GET", QStringLiteral("/metrics"), {{"Accept-Encoding", "gzip"}});
        QCOMPARE(zipped.header("Content-Encoding"), QByteArray("gzip"));
        const QByteArray body = gunzip(zipped.body);  // one complete member, trailer checked
        QVERIFY(!body.isEmpty());
        QCOMPARE(sampleValue(body, QStringLiteral("nixos_current_generation")), QStringLiteral("47"));
        QCOMPARE(requests(body, QStringLiteral("/metrics"), 200), QString::number(i));
        QVERIFY(number(body, QStringLiteral("process_resident_memory_bytes")) > 1024 * 1024);
    }
}

void TestExporterTelemetry::disableExporterMetrics()
{
    QVERIFY(startExporter({QStringLiteral("--web.disable-exporter-metrics")}));
    m_exporter->get(QStringLiteral("/nope"));
    for (const QByteArray &encoding : {QByteArray("identity"), QByteArray("gzip")}) {
        const ExporterProcess::Reply reply =
            m_exporter->request("GET", QStringLiteral("/metrics"), {{"Accept-Encoding", encoding}});
        const QByteArray metrics = encoding == "gzip" ? gunzip(reply.body) : reply.body;
        QVERIFY(!metrics.contains("process_"));
        QVERIFY(!metrics.contains("nixos_exporter_http_requests_total"));
        // What stays: the collectors, their health, the build.
        QCOMPARE(sampleValue(metrics, QStringLiteral("nixos_current_generation")), QStringLiteral("47"));
        QCOMPARE(sampleValue(metrics, QStringLiteral("nixos_exporter_collector_success{collector=\"generation\"}")),
                 QStringLiteral("1"));
        QVERIFY(metrics.contains("nixos_exporter_collector_duration_seconds{collector=\"generation\"}"));
        QVERIFY(metrics.contains("nixos_exporter_build_info{"));
    }
}

void TestExporterTelemetry::telemetryPathMovesMetrics()
{
    QVERIFY(startExporter({QStringLiteral("--web.telemetry-path=/node/metrics.v1")}));
    const ExporterProcess::Reply moved = m_exporter->get(QStringLiteral("/node/metrics.v1"));
    QCOMPARE(moved.status, 200);
    QCOMPARE(sampleValue(moved.body, QStringLiteral("nixos_current_generation")), QStringLiteral("47"));
    QCOMPARE(m_exporter->get(QStringLiteral("/metrics")).status, 404);
    // The dot is a dot, not any character.
    QCOMPARE(m_exporter->get(QStringLiteral("/node/metricsXv1")).status, 404);
    QCOMPARE(m_exporter->get(QStringLiteral("/status")).status, 200);
    // The landing page links to it, relative to itself (works behind a path prefix).
    const QByteArray page = m_exporter->get(QStringLiteral("/")).body;
    QVERIFY2(page.contains("href=\"node/metrics.v1\""), page.constData());
    QVERIFY(!page.contains("href=\"metrics\""));
    const QByteArray metrics = m_exporter->get(QStringLiteral("/node/metrics.v1")).body;
    QCOMPARE(requests(metrics, QStringLiteral("/node/metrics.v1"), 200), QStringLiteral("1"));
    QCOMPARE(requests(metrics, QStringLiteral("other"), 404), QStringLiteral("2"));
    QVERIFY(!metrics.contains("path=\"/metrics\""));
}

void TestExporterTelemetry::everyListenAddressIsServed()
{
    QProcess process;
    const Started started = start(process, {QStringLiteral("--root"), m_tree->root(),
                                            QStringLiteral("--web.listen-address=127.0.0.1:0"),
                                            QStringLiteral("--listen=127.0.0.1:0")});
    QCOMPARE(started.ports.size(), 2);
    QVERIFY(started.ports[0] != started.ports[1]);
    for (const quint16 port : started.ports) {
        const auto [status, body] = get(port, "/metrics");
        QCOMPARE(status, 200);
        QCOMPARE(sampleValue(body, QStringLiteral("nixos_current_generation")), QStringLiteral("47"));
    }
    // One server behind both: the counter sees the requests of each.
    const auto [status, body] = get(started.ports[0], "/metrics");
    QCOMPARE(status, 200);
    QCOMPARE(requests(body, QStringLiteral("/metrics"), 200), QStringLiteral("2"));
    stop(process);
}

void TestExporterTelemetry::yamlListOfAddresses()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile config(dir.filePath(QStringLiteral("exporter.yml")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("listen_addr:\n  - \"127.0.0.1:0\"\n  - \"127.0.0.1:0\"\n  - \"127.0.0.1:0\"\n");
    config.close();
    QProcess process;
    const Started started =
        start(process, {QStringLiteral("--root"), m_tree->root(), QStringLiteral("--config"), config.fileName()});
    QCOMPARE(started.ports.size(), 3);
    for (const quint16 port : started.ports)
        QCOMPARE(get(port, "/").first, 200);
    stop(process);
}

void TestExporterTelemetry::flagsReplaceTheYamlList()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile config(dir.filePath(QStringLiteral("exporter.yml")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    // The file's address is in use: were it still served, the start would fail.
    config.write("listen_addr: [\"127.0.0.1:" + QByteArray::number(taken.serverPort()) + "\"]\n");
    config.close();
    QProcess process;
    const Started started = start(process, {QStringLiteral("--root"), m_tree->root(), QStringLiteral("--config"),
                                            config.fileName(), QStringLiteral("--listen=127.0.0.1:0")});
    QVERIFY2(started.ports.size() == 1, qPrintable(started.output));
    QVERIFY(started.ports[0] != taken.serverPort());
    QCOMPARE(get(started.ports[0], "/metrics").first, 200);
    stop(process);
}

void TestExporterTelemetry::startErrorsNameTheAddress_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("line");

    QTest::newRow("bad second address")
        << QStringList{QStringLiteral("--listen=127.0.0.1:0"), QStringLiteral("--web.listen-address=127.0.0.1:http")}
        << 2 << QStringLiteral("bad listen address \"127.0.0.1:http\"");
    QTest::newRow("not an address of this machine")
        << QStringList{QStringLiteral("--listen=127.0.0.1:0"), QStringLiteral("--listen=192.0.2.1:9971")}
        << 1 << QStringLiteral("cannot listen on 192.0.2.1:9971");
    QTest::newRow("same address twice")
        << QStringList{QStringLiteral("--listen=127.0.0.1:9971"), QStringLiteral("--listen=127.0.0.1:9971")}
        << 2 << QStringLiteral("listen address \"127.0.0.1:9971\" given twice");
    QTest::newRow("telemetry path without a slash")
        << QStringList{QStringLiteral("--listen=127.0.0.1:0"), QStringLiteral("--web.telemetry-path=metrics")}
        << 2 << QStringLiteral("--web.telemetry-path: \"metrics\" must start with '/'");
    QTest::newRow("telemetry path on /status")
        << QStringList{QStringLiteral("--listen=127.0.0.1:0"), QStringLiteral("--web.telemetry-path=/status")}
        << 2 << QStringLiteral("--web.telemetry-path: \"/status\" is taken");
}

void TestExporterTelemetry::startErrorsNameTheAddress()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, line);

    QProcess process;
    const Started started = start(process, QStringList{QStringLiteral("--root"), m_tree->root()} + arguments);
    QVERIFY2(started.ports.isEmpty(), "it started");
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), exitCode);
    QVERIFY2(linesNaming(started.output, line).size() == 1, qPrintable(started.output));
}

void TestExporterTelemetry::portInUseFailsTheStart()
{
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost));
    const QString address = QStringLiteral("127.0.0.1:%1").arg(taken.serverPort());
    QProcess process;
    // The free address first: a later one in use still stops the start.
    const Started started = start(process, {QStringLiteral("--root"), m_tree->root(),
                                            QStringLiteral("--listen=127.0.0.1:0"), QStringLiteral("--listen=") + address});
    QVERIFY2(started.ports.isEmpty(), "it started");
    QCOMPARE(process.exitCode(), 1);
    const QStringList lines = linesNaming(started.output, QStringLiteral("cannot listen on ") + address);
    QVERIFY2(lines.size() == 1, qPrintable(started.output));
    QVERIFY2(lines.first().contains(QStringLiteral("in use")), qPrintable(lines.first()));
}

void TestExporterTelemetry::passesPromtool()
{
    QString promtool;
    NIXOS_REQUIRE_TOOL(promtool, "promtool", "prometheus", "prometheus.cli");
    QVERIFY(startExporter());
    m_exporter->get(QStringLiteral("/nope"));
    m_exporter->request("DELETE", QStringLiteral("/status"));
    const QByteArray metrics = m_exporter->get(QStringLiteral("/metrics")).body;
    QVERIFY(metrics.contains("process_start_time_seconds"));
    const PromtoolLint lint = PromtoolLint::of(promtool, metrics);
    QVERIFY(lint.ran);
    QVERIFY2(lint.findings.isEmpty(), qPrintable(lint.findings.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(TestExporterTelemetry)
#include "tst_exportertelemetry.moc"
