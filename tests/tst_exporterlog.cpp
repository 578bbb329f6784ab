// SPDX-License-Identifier: MIT
// nixos-exporter's log, from the running binary: --log.format (logfmt, json) and --log.level,
// the YAML keys, bad values, and a failing collector logged once, not per scrape.
#include "exporterprocess.h"
#include "goldenfixture.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryFile>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {

const QString BrokenLockError = u"/etc/nixos/flake.lock: "_s;

// time=... level=... logger=... msg=..., with msg bare or quoted with escapes.
const QRegularExpression LogfmtLine(
    uR"(^time=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) level=(debug|info|warn|error) logger=([\w.]+) msg=("(?:[^"\\]|\\.)*"|[^ "=]+)$)"_s);
const QRegularExpression Rfc3339Ms(uR"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)"_s);

// Complete lines read so far from a process's stderr.
class LogReader
{
public:
    explicit LogReader(QProcess &process, const QByteArray &alreadyRead = {})
        : m_process(process), m_buffer(alreadyRead) {}
    explicit LogReader(ExporterProcess &exporter)
        : LogReader(exporter.process(), exporter.outputAfterPort()) {}
    QList<QByteArray> lines()
    {
        m_buffer += m_process.readAllStandardError();
        const qsizetype end = m_buffer.lastIndexOf('\n');
        if (end >= 0) {
            const QList<QByteArray> complete = m_buffer.left(end).split('\n');
            m_lines += complete;
            m_buffer.remove(0, end + 1);
        }
        return m_lines;
    }
    int count(const QByteArray &text)
    {
        int n = 0;
        for (const QByteArray &line : lines())
            n += line.contains(text) ? 1 : 0;
        return n;
    }
    QByteArray all() { return lines().join('\n'); }

private:
    QProcess &m_process;
    QByteArray m_buffer;
    QList<QByteArray> m_lines;
};

QByteArray httpGet(quint16 port, const QString &path)
{
    QNetworkAccessManager network;
    QNetworkReply *reply = network.get(QNetworkRequest(QUrl(u"http://127.0.0.1:%1%2"_s.arg(port).arg(path))));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(5000, &loop, &QEventLoop::quit);
    loop.exec();
    const QByteArray body = reply->isFinished() ? reply->readAll() : QByteArray();
    reply->deleteLater();
    return body;
}

// A loopback port that was free a moment ago.
quint16 freePort()
{
    QTcpServer server;
    return server.listen(QHostAddress::LocalHost, 0) ? server.serverPort() : 0;
}

QString flakeSuccess(const QByteArray &metrics)
{
    static const QRegularExpression line(uR"(^nixos_exporter_collector_success\{collector="flake"\} (\S+)$)"_s,
                                         QRegularExpression::MultilineOption);
    return line.match(QString::fromUtf8(metrics)).captured(1);
}

} // namespace

class TestExporterLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void logfmtLinesMatch();
    void jsonLinesParse();
    void yamlKeysAndFlagsWin();
    void warnHidesInfo();
    void failingCollectorLoggedOnce();
    void upgradeCheckUnderWayIsNoFailure();
    void badValuesFailWithOneLine_data();
    void badValuesFailWithOneLine();

private:
    FixtureTree *m_tree = nullptr;
    QByteArray m_goodLock;
    void breakLock() { m_tree->writeFile(u"/etc/nixos/flake.lock"_s, "{\"nodes\": 42"); }
    void fixLock() { m_tree->writeFile(u"/etc/nixos/flake.lock"_s, m_goodLock); }
};

void TestExporterLog::init()
{
    m_tree = new FixtureTree;
    GoldenFixture::build(*m_tree);
    QFile lock(m_tree->hostPath(u"/etc/nixos/flake.lock"_s));
    QVERIFY(lock.open(QIODevice::ReadOnly));
    m_goodLock = lock.readAll();
}

void TestExporterLog::cleanup()
{
    delete m_tree;
}

void TestExporterLog::logfmtLinesMatch()
{
    ExporterProcess exporter;
    QVERIFY2(exporter.start({u"--root"_s, m_tree->root(), u"--collector.flake"_s}), qPrintable(exporter.error()));
    LogReader log(exporter);
    breakLock();
    QTRY_VERIFY_WITH_TIMEOUT(log.count("collector flake failed") == 1, 5000);
    fixLock();
    QTRY_VERIFY_WITH_TIMEOUT(log.count("collector flake works again") == 1, 5000);
    const QList<QByteArray> lines = log.lines();
    for (const QByteArray &line : lines) {
        const QRegularExpressionMatch match = LogfmtLine.match(QString::fromUtf8(line));
        QVERIFY2(match.hasMatch(), line.constData());
        const QDateTime time = QDateTime::fromString(match.captured(1), Qt::ISODateWithMs);
        QVERIFY(qAbs(time.msecsTo(QDateTime::currentDateTimeUtc())) < 60'000);
    }
    const QByteArray failed = "level=warn logger=nixos.exporter.collectors msg=\"collector flake failed: /etc/nixos/flake.lock: ";
    const QByteArray works = "level=info logger=nixos.exporter.collectors msg=\"collector flake works again\"";
    QVERIFY2(log.all().contains(failed), log.all().constData());
    QVERIFY2(log.all().contains(works), log.all().constData());
}

void TestExporterLog::jsonLinesParse()
{
    ExporterProcess exporter;
    QVERIFY2(exporter.start({u"--root"_s, m_tree->root(), u"--collector.flake"_s, u"--log.format=json"_s}),
             qPrintable(exporter.error()));
    LogReader log(exporter);
    breakLock();
    QTRY_VERIFY_WITH_TIMEOUT(log.count("collector flake failed") == 1, 5000);
    fixLock();
    QTRY_VERIFY_WITH_TIMEOUT(log.count("collector flake works again") == 1, 5000);
    QCOMPARE(log.lines().size(), 2);
    QStringList levels;
    for (const QByteArray &line : log.lines()) {
        QJsonParseError error{};
        const QJsonDocument document = QJsonDocument::fromJson(line, &error);
        QVERIFY2(error.error == QJsonParseError::NoError && document.isObject(), line.constData());
        const QJsonObject event = document.object();
        QCOMPARE(event.keys(), (QStringList{u"level"_s, u"logger"_s, u"msg"_s, u"time"_s}));
        QVERIFY2(Rfc3339Ms.match(event[u"time"_s].toString()).hasMatch(), line.constData());
        QCOMPARE(event[u"logger"_s].toString(), u"nixos.exporter.collectors"_s);
        levels.append(event[u"level"_s].toString());
    }
    QCOMPARE(levels, (QStringList{u"warn"_s, u"info"_s}));
    const QJsonObject failed = QJsonDocument::fromJson(log.lines().first()).object();
    QVERIFY(failed[u"msg"_s].toString().startsWith(u"collector flake failed: "_s + BrokenLockError));
}

void TestExporterLog::yamlKeysAndFlagsWin()
{
    QTemporaryFile config;
    QVERIFY(config.open());
    config.write("log:\n  format: json\n  level: info\n");
    config.close();
    // ExporterProcess keeps the line that names the port to itself: these run by hand.
    const quint16 port = freePort();
    QProcess process;
    process.start(ExporterProcess::binary(), {u"--root"_s, m_tree->root(), u"--config"_s, config.fileName(),
                                              u"--listen=127.0.0.1:%1"_s.arg(port)});
    LogReader log(process);
    QTRY_VERIFY_WITH_TIMEOUT(log.count("listening on port") == 1, 10'000);
    const QJsonObject started = QJsonDocument::fromJson(log.lines().first()).object();
    QCOMPARE(started[u"logger"_s].toString(), u"nixos.exporter.http"_s);
    QCOMPARE(started[u"level"_s].toString(), u"info"_s);
    QVERIFY(started[u"msg"_s].toString().contains(u"listening on port %1 (http, 127.0.0.1:%1)"_s.arg(port)));
    process.terminate();
    process.waitForFinished(5000);

    // The flag wins over the file.
    QProcess flagged;
    const quint16 port2 = freePort();
    flagged.start(ExporterProcess::binary(), {u"--root"_s, m_tree->root(), u"--config"_s, config.fileName(),
                                              u"--log.format=logfmt"_s, u"--listen=127.0.0.1:%1"_s.arg(port2)});
    LogReader flaggedLog(flagged);
    QTRY_VERIFY_WITH_TIMEOUT(flaggedLog.count("listening on port") == 1, 10'000);
    QVERIFY2(LogfmtLine.match(QString::fromUtf8(flaggedLog.lines().first())).hasMatch(), flaggedLog.all().constData());
    flagged.terminate();
    flagged.waitForFinished(5000);
}

void TestExporterLog::warnHidesInfo()
{
    // Broken from the start: the warning comes first; the info lines (listening, works again)
    // never come.
    breakLock();
    const quint16 port = freePort();
    QProcess process;
    process.start(ExporterProcess::binary(), {u"--root"_s, m_tree->root(), u"--collector.flake"_s,
                                              u"--log.level=warn"_s, u"--listen=127.0.0.1:%1"_s.arg(port)});
    LogReader log(process);
    QTRY_VERIFY_WITH_TIMEOUT(log.count("collector flake failed") == 1, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(flakeSuccess(httpGet(port, u"/metrics"_s)), u"0"_s, 10'000);
    fixLock();
    QTRY_COMPARE_WITH_TIMEOUT(flakeSuccess(httpGet(port, u"/metrics"_s)), u"1"_s, 5000);
    QTest::qWait(300);
    QCOMPARE(log.lines().size(), 1);
    QVERIFY2(log.lines().first().contains(" level=warn "), log.all().constData());
    process.terminate();
    process.waitForFinished(5000);

    // And error hides the warning too.
    breakLock();
    QProcess quiet;
    const quint16 port2 = freePort();
    quiet.start(ExporterProcess::binary(), {u"--root"_s, m_tree->root(), u"--collector.flake"_s,
                                            u"--log.level=error"_s, u"--listen=127.0.0.1:%1"_s.arg(port2)});
    QTRY_COMPARE_WITH_TIMEOUT(flakeSuccess(httpGet(port2, u"/metrics"_s)), u"0"_s, 10'000);
    QTest::qWait(300);
    QCOMPARE(quiet.readAllStandardError(), QByteArray());
    quiet.terminate();
    quiet.waitForFinished(5000);
}

void TestExporterLog::failingCollectorLoggedOnce()
{
    ExporterProcess exporter;
    QVERIFY2(exporter.start({u"--root"_s, m_tree->root(), u"--collector.flake"_s}), qPrintable(exporter.error()));
    LogReader log(exporter);
    breakLock();
    QTRY_COMPARE_WITH_TIMEOUT(flakeSuccess(exporter.get(u"/metrics"_s).body), u"0"_s, 5000);
    // Many scrapes and rescans of the same broken lock: still one warning.
    for (int i = 0; i < 20; ++i) {
        QCOMPARE(flakeSuccess(exporter.get(u"/metrics"_s).body), u"0"_s);
        exporter.get(u"/status"_s);
    }
    breakLock();  // written again, the same: a rescan, the same failure
    QTest::qWait(800);
    for (int i = 0; i < 5; ++i)
        exporter.get(u"/metrics"_s);
    QCOMPARE(log.count("collector flake failed"), 1);
    QCOMPARE(log.count("nixos.exporter.collectors"), 1);
    // The reason is the one /status gives.
    const QJsonObject status = QJsonDocument::fromJson(exporter.get(u"/status"_s).body).object();
    const QString reason = status[u"sources"_s][u"flake"_s][u"error"_s].toString();
    QVERIFY(reason.startsWith(BrokenLockError));
    QVERIFY2(log.all().contains(("collector flake failed: " + reason).toUtf8()), log.all().constData());

    fixLock();
    QTRY_COMPARE_WITH_TIMEOUT(flakeSuccess(exporter.get(u"/metrics"_s).body), u"1"_s, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(log.count("collector flake works again"), 1, 2000);
    for (int i = 0; i < 20; ++i)
        exporter.get(u"/metrics"_s);
    QTest::qWait(300);
    QCOMPARE(log.count("nixos.exporter.collectors"), 2);
    QCOMPARE(log.lines().size(), 2);
}

// Before its first answer the upgrade collector is not failing; a first check that fails is
// one warning ("failed", not "still failing"), however often it is retried.
void TestExporterLog::upgradeCheckUnderWayIsNoFailure()
{
    const quint16 closed = freePort();  // nothing listens there: connection refused
    ExporterProcess exporter;
    QVERIFY2(exporter.start({u"--root"_s, m_tree->root(), u"--collector.upgrade"_s,
                             u"--collector.upgrade.url=http://127.0.0.1:%1/nixos-26.05/git-revision"_s.arg(closed)}),
             qPrintable(exporter.error()));
    LogReader log(exporter);
    QTRY_COMPARE_WITH_TIMEOUT(log.count("collector upgrade failed: http://127.0.0.1:"), 1, 10'000);
    QTest::qWait(300);
    QCOMPARE(log.count("nixos.exporter.collectors"), 1);
    QVERIFY2(!log.all().contains("under way") && !log.all().contains("still failing"), log.all().constData());
}

void TestExporterLog::badValuesFailWithOneLine_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QString>("message");
    QTest::newRow("level") << QStringList{u"--log.level=verbose"_s} << QByteArray()
                           << u"--log.level: unknown log level \"verbose\" (known: debug, info, warn, error)"_s;
    QTest::newRow("format") << QStringList{u"--log.format=text"_s} << QByteArray()
                            << u"--log.format: unknown log format \"text\" (known: logfmt, json)"_s;
    QTest::newRow("no value") << QStringList{u"--log.level"_s} << QByteArray() << u"Missing value after"_s;
    QTest::newRow("yaml level") << QStringList() << QByteArray("log:\n  level: loud\n")
                                << u"%1:2: log.level: unknown log level \"loud\""_s;
    QTest::newRow("yaml key") << QStringList() << QByteArray("log:\n  colour: true\n")
                              << u"%1:2: unknown key \"colour\" in log (known: level, format)"_s;
}

void TestExporterLog::badValuesFailWithOneLine()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, config);
    QFETCH(QString, message);
    QTemporaryFile file;
    if (!config.isEmpty()) {
        QVERIFY(file.open());
        file.write(config);
        file.close();
        arguments << u"--config"_s << file.fileName();
        message = message.arg(file.fileName());
    }
    QProcess process;
    process.start(ExporterProcess::binary(), arguments);
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitCode(), 2);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.startsWith(u"nixos-exporter: "_s + message), qPrintable(error));
    QCOMPARE(error.count(u'\n'), 2);  // the line and "Try 'nixos-exporter --help'."
}

QTEST_GUILESS_MAIN(TestExporterLog)
#include "tst_exporterlog.moc"
