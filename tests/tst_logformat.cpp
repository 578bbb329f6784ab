// SPDX-License-Identifier: MIT
// The exporter's log lines (logfmt and JSON) on inline inputs, and the level's filter rules.
#include "logformat.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// 2025-01-31T12:34:56.789Z
constexpr qint64 Time = 1738326896789;

QByteArray logfmt(QStringView message, QtMsgType type = QtInfoMsg, QByteArrayView logger = "nixos.exporter.http")
{
    return LogFormat::formatLine(LogFormat::Format::Logfmt, Time, type, logger, message);
}

QByteArray json(QStringView message, QtMsgType type = QtInfoMsg, QByteArrayView logger = "nixos.exporter.http")
{
    return LogFormat::formatLine(LogFormat::Format::Json, Time, type, logger, message);
}

} // namespace

class TestLogFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseValues();
    void time_data();
    void time();
    void levels();
    void logfmtLine();
    void logfmtValues_data();
    void logfmtValues();
    void jsonLine();
    void jsonValues_data();
    void jsonValues();
    void oneLineOfUtf8_data();
    void oneLineOfUtf8();
    void filterRules();
};

void TestLogFormat::parseValues()
{
    QVERIFY(LogFormat::parseLevel(u"debug"_s) == LogFormat::Level::Debug);
    QVERIFY(LogFormat::parseLevel(u"info"_s) == LogFormat::Level::Info);
    QVERIFY(LogFormat::parseLevel(u"warn"_s) == LogFormat::Level::Warn);
    QVERIFY(LogFormat::parseLevel(u"error"_s) == LogFormat::Level::Error);
    QVERIFY(!LogFormat::parseLevel(u"warning"_s));
    QVERIFY(!LogFormat::parseLevel(u"INFO"_s));
    QVERIFY(!LogFormat::parseLevel(QString()));
    QVERIFY(LogFormat::parseFormat(u"logfmt"_s) == LogFormat::Format::Logfmt);
    QVERIFY(LogFormat::parseFormat(u"json"_s) == LogFormat::Format::Json);
    QVERIFY(!LogFormat::parseFormat(u"text"_s));
    QCOMPARE(LogFormat::levelError(u"verbose"_s),
             u"unknown log level \"verbose\" (known: debug, info, warn, error)"_s);
    QCOMPARE(LogFormat::formatError(u"xml"_s), u"unknown log format \"xml\" (known: logfmt, json)"_s);
}

void TestLogFormat::time_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("epoch") << qint64(0) << QByteArray("1970-01-01T00:00:00.000Z");
    QTest::newRow("milliseconds") << Time << QByteArray("2025-01-31T12:34:56.789Z");
    QTest::newRow("leap day") << qint64(951782400001) << QByteArray("2000-02-29T00:00:00.001Z");
    QTest::newRow("end of a year") << qint64(1735689599999) << QByteArray("2024-12-31T23:59:59.999Z");
    QTest::newRow("before the epoch") << qint64(-1) << QByteArray("1969-12-31T23:59:59.999Z");
}

void TestLogFormat::time()
{
    QFETCH(qint64, ms);
    QFETCH(QByteArray, text);
    QCOMPARE(LogFormat::rfc3339(ms), text);
    // Qt's own parser reads the same moment back.
    const QDateTime parsed = QDateTime::fromString(QString::fromLatin1(text), Qt::ISODateWithMs);
    QVERIFY(parsed.isValid());
    QCOMPARE(parsed.toMSecsSinceEpoch(), ms);
    QCOMPARE(parsed.offsetFromUtc(), 0);
}

void TestLogFormat::levels()
{
    QCOMPARE(LogFormat::levelName(QtDebugMsg), "debug"_L1);
    QCOMPARE(LogFormat::levelName(QtInfoMsg), "info"_L1);
    QCOMPARE(LogFormat::levelName(QtWarningMsg), "warn"_L1);
    QCOMPARE(LogFormat::levelName(QtCriticalMsg), "error"_L1);
    QCOMPARE(LogFormat::levelName(QtFatalMsg), "error"_L1);
}

void TestLogFormat::logfmtLine()
{
    QCOMPARE(logfmt(u"listening on port 9971", QtWarningMsg),
             QByteArray("time=2025-01-31T12:34:56.789Z level=warn logger=nixos.exporter.http "
                        "msg=\"listening on port 9971\"\n"));
    QCOMPARE(logfmt(u"ready", QtDebugMsg, "default"),
             QByteArray("time=2025-01-31T12:34:56.789Z level=debug logger=default msg=ready\n"));
}

void TestLogFormat::logfmtValues_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("bare") << u"ok"_s << QByteArray("ok");
    QTest::newRow("path") << u"/etc/nixos/flake.lock:3:"_s << QByteArray("/etc/nixos/flake.lock:3:");
    QTest::newRow("backslash alone stays bare") << u"a\\b"_s << QByteArray("a\\b");
    QTest::newRow("empty") << QString() << QByteArray("\"\"");
    QTest::newRow("space") << u"a b"_s << QByteArray("\"a b\"");
    QTest::newRow("equals") << u"a=b"_s << QByteArray("\"a=b\"");
    QTest::newRow("quote") << u"say \"hi\""_s << QByteArray("\"say \\\"hi\\\"\"");
    QTest::newRow("backslash quoted") << u"C:\\ x"_s << QByteArray("\"C:\\\\ x\"");
    QTest::newRow("newline") << u"one\ntwo"_s << QByteArray("\"one\\ntwo\"");
    QTest::newRow("tab, return") << u"a\tb\rc"_s << QByteArray("\"a\\tb\\rc\"");
    QTest::newRow("control") << u"bell\x07"_s << QByteArray("\"bell\\u0007\"");
    QTest::newRow("escape sequence") << u"\x1b[31mred"_s << QByteArray("\"\\u001b[31mred\"");
    QTest::newRow("NUL") << QString(QChar(0)) << QByteArray("\"\\u0000\"");
    QTest::newRow("DEL") << u"a\x7f"_s << QByteArray("\"a\\u007f\"");
    QTest::newRow("line separator") << u"a\u2028b"_s << QByteArray("\"a\\u2028b\"");
    QTest::newRow("bidi override") << u"ok \u202egnp.exe"_s << QByteArray("\"ok \\u202egnp.exe\"");
    QTest::newRow("zero width, BOM") << u"a\u200bb\ufeff"_s << QByteArray("\"a\\u200bb\\ufeff\"");
    QTest::newRow("UTF-8") << u"Grüße"_s << QByteArray("Gr\xc3\xbc\xc3\x9f" "e");
    QTest::newRow("astral") << u"\U0001F600"_s << QByteArray("\xf0\x9f\x98\x80");
    QTest::newRow("lone surrogate") << QString(QChar(0xD800)) << QByteArray("\"\xef\xbf\xbd\"");
    QTest::newRow("replacement from bad UTF-8") << QString::fromUtf8("a\xff") << QByteArray("\"a\xef\xbf\xbd\"");
}

void TestLogFormat::logfmtValues()
{
    QFETCH(QString, message);
    QFETCH(QByteArray, value);
    const QByteArray prefix = "time=2025-01-31T12:34:56.789Z level=info logger=nixos.exporter.http msg=";
    QCOMPARE(logfmt(message), prefix + value + '\n');
}

void TestLogFormat::jsonLine()
{
    QCOMPARE(json(u"collector flake failed", QtWarningMsg, "nixos.exporter.collectors"),
             QByteArray(R"({"time":"2025-01-31T12:34:56.789Z","level":"warn","logger":"nixos.exporter.collectors","msg":"collector flake failed"})"
                        "\n"));
    const QJsonObject object = QJsonDocument::fromJson(json(u"x", QtCriticalMsg)).object();
    QCOMPARE(object.size(), 4);
    QCOMPARE(object.value("level"_L1).toString(), u"error"_s);
}

void TestLogFormat::jsonValues_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("plain") << u"a b=c"_s << QByteArray("\"a b=c\"");
    QTest::newRow("empty") << QString() << QByteArray("\"\"");
    QTest::newRow("quote, backslash") << u"\"\\"_s << QByteArray(R"("\"\\")");
    QTest::newRow("newline") << u"one\ntwo"_s << QByteArray(R"("one\ntwo")");
    QTest::newRow("control") << u"\x01\x1f"_s << QByteArray(R"("\u0001\u001f")");
    QTest::newRow("C1") << u"\u0085"_s << QByteArray(R"("\u0085")");
    QTest::newRow("UTF-8") << u"Grüße"_s << QByteArray("\"Gr\xc3\xbc\xc3\x9f" "e\"");
    QTest::newRow("lone surrogate") << QString(QChar(0xDC00)) << QByteArray("\"\xef\xbf\xbd\"");
}

void TestLogFormat::jsonValues()
{
    QFETCH(QString, message);
    QFETCH(QByteArray, value);
    const QByteArray line = json(message);
    QCOMPARE(line, R"({"time":"2025-01-31T12:34:56.789Z","level":"info","logger":"nixos.exporter.http","msg":)"
                       + value + "}\n");
    // Any JSON parser reads the message back (a lone surrogate as U+FFFD).
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(line, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QString expected = message;
    for (QChar &c : expected) {
        if (c.isSurrogate())
            c = QChar(0xFFFD);
    }
    QCOMPARE(document.object().value("msg"_L1).toString(), expected);
}

void TestLogFormat::oneLineOfUtf8_data()
{
    QTest::addColumn<QString>("message");
    QString everything;
    for (char16_t c = 0; c < 0x100; ++c)
        everything.append(QChar(c));
    everything.append(QChar(0xD83D));  // a high surrogate without its pair
    everything.append(u"\u2028\u2029\U0001F600"_s);
    QTest::newRow("every Latin-1 character and then some") << everything;
    QTest::newRow("lines") << u"a\nb\r\nc\n"_s;
}

void TestLogFormat::oneLineOfUtf8()
{
    QFETCH(QString, message);
    for (const LogFormat::Format format : {LogFormat::Format::Logfmt, LogFormat::Format::Json}) {
        const QByteArray line = LogFormat::formatLine(format, Time, QtWarningMsg, "nixos.core.monitor", message);
        QVERIFY(line.endsWith('\n'));
        QCOMPARE(line.count('\n'), 1);
        QVERIFY(!line.contains('\r'));
        QVERIFY(QUtf8StringView(line).isValidUtf8());
    }
}

void TestLogFormat::filterRules()
{
    using LogFormat::Level;
    QCOMPARE(LogFormat::filterRules(Level::Debug), u"nixos.*=true"_s);
    QCOMPARE(LogFormat::filterRules(Level::Info), u"*.debug=false"_s);
    QCOMPARE(LogFormat::filterRules(Level::Warn), u"*.debug=false\n*.info=false"_s);
    QCOMPARE(LogFormat::filterRules(Level::Error), u"*.debug=false\n*.info=false\n*.warning=false"_s);

    // What the rules do to categories like the exporter's.
    QLoggingCategory http("nixos.exporter.http", QtInfoMsg);
    QLoggingCategory connections("nixos.exporter.connections", QtWarningMsg);
    QLoggingCategory::setFilterRules(LogFormat::filterRules(Level::Info));
    QVERIFY(!http.isDebugEnabled());
    QVERIFY(http.isInfoEnabled());
    QVERIFY(!connections.isInfoEnabled());  // its own default stays above info
    QVERIFY(connections.isWarningEnabled());
    QLoggingCategory::setFilterRules(LogFormat::filterRules(Level::Warn));
    QVERIFY(!http.isInfoEnabled());
    QVERIFY(http.isWarningEnabled());
    QLoggingCategory::setFilterRules(LogFormat::filterRules(Level::Error));
    QVERIFY(!http.isWarningEnabled());
    QVERIFY(http.isCriticalEnabled());
    QLoggingCategory::setFilterRules(LogFormat::filterRules(Level::Debug));
    QVERIFY(http.isDebugEnabled());
    QVERIFY(connections.isDebugEnabled());
    QVERIFY(connections.isInfoEnabled());
    QLoggingCategory::setFilterRules(QString());
}

QTEST_GUILESS_MAIN(TestLogFormat)
#include "tst_logformat.moc"
