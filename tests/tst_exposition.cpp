// SPDX-License-Identifier: MIT
#include "exposition.h"
#include "requiredtool.h"

#include <QProcess>
#include <QTest>

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numbers>

using namespace Qt::StringLiterals;

namespace {

// The lines of an exposition text, without the empty string after the final newline.
QList<QByteArray> linesOf(const QByteArray &text)
{
    QList<QByteArray> lines = text.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

} // namespace

class TestExposition : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyFamilyWritesNothing();
    void headerOnlyWithFirstSample();
    void familyReplacedBeforeAnySample();
    void typeIsWritten();
    void labels();
    void labelValueEscaping_data();
    void labelValueEscaping();
    void helpEscaping();
    void utf8LabelValues();
    void formatValue_data();
    void formatValue();
    void formatValueRoundTrips_data();
    void formatValueRoundTrips();
    void promtoolAcceptsOutput();
};

void TestExposition::emptyFamilyWritesNothing()
{
    // A metric whose value is unknown is left out, HELP and TYPE included: a lone header
    // would announce a series that never comes.
    Exposition out;
    out.family("nixos_booted_generation", "Booted generation.");
    QVERIFY(out.text().isEmpty());
}

void TestExposition::headerOnlyWithFirstSample()
{
    Exposition out;
    out.family("nixos_flake_input_age_seconds", "Age of a flake input.");
    out.sample({{"input", u"nixpkgs"_s}}, 10);
    out.sample({{"input", u"home-manager"_s}}, 20);

    const QList<QByteArray> expected{
        "# HELP nixos_flake_input_age_seconds Age of a flake input.",
        "# TYPE nixos_flake_input_age_seconds gauge",
        R"(nixos_flake_input_age_seconds{input="nixpkgs"} 10)",
        R"(nixos_flake_input_age_seconds{input="home-manager"} 20)",
    };
    QCOMPARE(linesOf(out.text()), expected);
    QVERIFY(out.text().endsWith('\n'));
}

void TestExposition::familyReplacedBeforeAnySample()
{
    // An empty family between two others must leave no trace, and the following family's
    // samples must carry the following family's name.
    Exposition out;
    out.family("a_first", "First.");
    out.sample(1);
    out.family("b_empty", "Never sampled.");
    out.family("c_third", "Third.");
    out.sample(3);

    QVERIFY2(!out.text().contains("b_empty"), out.text().constData());
    const QList<QByteArray> expected{
        "# HELP a_first First.", "# TYPE a_first gauge", "a_first 1",
        "# HELP c_third Third.", "# TYPE c_third gauge", "c_third 3",
    };
    QCOMPARE(linesOf(out.text()), expected);
}

void TestExposition::typeIsWritten()
{
    Exposition out;
    out.family("nixos_things_total", "Things.", "counter");
    out.sample(7);
    QVERIFY2(out.text().contains("# TYPE nixos_things_total counter\n"), out.text().constData());
}

void TestExposition::labels()
{
    // Several labels are separated by commas, in the order given, with no spaces.
    Exposition out;
    out.family("nixos_flake_input_info", "Input revision.");
    out.sample({{"input", u"nixpkgs"_s}, {"rev", u"abc123"_s}}, 1);
    QCOMPARE(linesOf(out.text()).last(),
             R"(nixos_flake_input_info{input="nixpkgs",rev="abc123"} 1)");
}

void TestExposition::labelValueEscaping_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QByteArray>("written");

    // Text format 0.0.4: in label values, \ becomes \\, " becomes \" and a line feed \n.
    QTest::newRow("plain") << u"nixpkgs"_s << QByteArray(R"(nixpkgs)");
    QTest::newRow("backslash") << u"a\\b"_s << QByteArray(R"(a\\b)");
    QTest::newRow("quote") << u"say \"hi\""_s << QByteArray(R"(say \"hi\")");
    QTest::newRow("newline") << u"line1\nline2"_s << QByteArray(R"(line1\nline2)");
    QTest::newRow("all three") << u"\\\"\n"_s << QByteArray(R"(\\\"\n)");
    // A backslash already followed by n is two characters, not an escaped newline.
    QTest::newRow("literal backslash n") << u"C:\\new"_s << QByteArray(R"(C:\\new)");
    // Other characters, even tabs and braces, pass through unchanged.
    QTest::newRow("tab and braces") << u"a\tb{c}=d,e"_s << QByteArray("a\tb{c}=d,e");
    QTest::newRow("empty") << QString() << QByteArray();
}

void TestExposition::labelValueEscaping()
{
    QFETCH(QString, value);
    QFETCH(QByteArray, written);

    Exposition out;
    out.family("m", "h");
    out.sample({{"l", value}}, 1);
    QCOMPARE(linesOf(out.text()).last(), "m{l=\"" + written + "\"} 1");
    QCOMPARE(Exposition::escape(value.toUtf8(), true), written);
}

void TestExposition::helpEscaping()
{
    // HELP escapes backslash and line feed only; a quote stays a quote.
    Exposition out;
    out.family("m", "Say \"hi\" \\ then\nmore");
    out.sample(1);
    QCOMPARE(linesOf(out.text()).first(), R"(# HELP m Say "hi" \\ then\nmore)");
    QCOMPARE(Exposition::escape("\"\\\n", false), R"("\\\n)");
}

void TestExposition::utf8LabelValues()
{
    // The format is UTF-8; non-ASCII label values are written as their UTF-8 bytes.
    const QString value = u"Grüße ✓ 日本 🚀"_s;
    Exposition out;
    out.family("m", "h");
    out.sample({{"l", value}}, 1);
    QCOMPARE(linesOf(out.text()).last(), "m{l=\"" + value.toUtf8() + "\"} 1");
    QCOMPARE(QString::fromUtf8(out.text()).count(value), 1);
}

void TestExposition::formatValue_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("zero") << 0.0 << QByteArray("0");
    QTest::newRow("one") << 1.0 << QByteArray("1");
    QTest::newRow("negative integer") << -42.0 << QByteArray("-42");
    // A Unix timestamp: whole, not 1.7324064e+09.
    QTest::newRow("timestamp") << 1732406400.0 << QByteArray("1732406400");
    QTest::newRow("store size") << 123456789012.0 << QByteArray("123456789012");
    // 2^53, the last integer with every smaller integer exactly representable.
    QTest::newRow("2^53") << 9007199254740992.0 << QByteArray("9007199254740992");
    QTest::newRow("quarter") << 0.25 << QByteArray("0.25");
    QTest::newRow("negative half") << -0.5 << QByteArray("-0.5");
    QTest::newRow("duration") << 0.001 << QByteArray("0.001");
    QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
    QTest::newRow("+Inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
    QTest::newRow("-Inf") << -std::numeric_limits<double>::infinity() << QByteArray("-Inf");
}

void TestExposition::formatValue()
{
    QFETCH(double, value);
    QFETCH(QByteArray, text);
    QCOMPARE(Exposition::formatValue(value), text);
}

void TestExposition::formatValueRoundTrips_data()
{
    QTest::addColumn<double>("value");

    QTest::newRow("smallest subnormal") << std::numeric_limits<double>::denorm_min();
    QTest::newRow("smallest normal") << DBL_MIN;
    QTest::newRow("largest") << DBL_MAX;
    QTest::newRow("lowest") << -DBL_MAX;
    QTest::newRow("tiny") << 1.2345678901234567e-300;
    QTest::newRow("huge") << 9.87654321e+250;
    QTest::newRow("one tenth") << 0.1;
    QTest::newRow("0.1 + 0.2") << 0.1 + 0.2;
    QTest::newRow("third") << 1.0 / 3.0;
    QTest::newRow("pi") << std::numbers::pi;
    QTest::newRow("1e15") << 1e15;
    QTest::newRow("just below 1e15") << 999999999999999.0;
    QTest::newRow("1e21") << 1e21;
    QTest::newRow("2^53 + 2") << 9007199254740994.0;
    QTest::newRow("2^63") << 9223372036854775808.0;
    QTest::newRow("1e300 integer") << 1e300;
    QTest::newRow("timestamp with ms") << 1732406400.123;
}

void TestExposition::formatValueRoundTrips()
{
    // Whatever the notation, the text must read back as the very same double (what
    // Prometheus does with strconv.ParseFloat), and integers below 1e15 need no exponent.
    QFETCH(double, value);
    const QByteArray text = Exposition::formatValue(value);
    QVERIFY(!text.isEmpty());
    char *end = nullptr;
    const double parsed = std::strtod(text.constData(), &end);
    QCOMPARE(end, text.constData() + text.size());
    QVERIFY2(parsed == value, text.constData());
    if (value == std::trunc(value) && std::fabs(value) < 1e15)
        QVERIFY2(!text.contains('e'), text.constData());
    // Only characters a Prometheus parser takes in a number.
    for (const char c : text)
        QVERIFY2(QByteArray("0123456789.e+-").contains(c), text.constData());
}

void TestExposition::promtoolAcceptsOutput()
{
    // The upstream linter and parser is the referee of the format; where it is installed,
    // a text using every escaping rule and special value must pass it.
    QString promtool;
    NIXOS_REQUIRE_TOOL(promtool, "promtool", "prometheus", "prometheus.cli");

    Exposition out;
    out.family("nixos_unused_seconds", "Never sampled, so never written.");
    out.family("nixos_flake_input_info", "Locked flake input \"rev\"; a \\ and a\nsecond line.");
    out.sample({{"input", u"nix\"pkgs"_s}, {"rev", u"a\\b\nc"_s}}, 1);
    out.sample({{"input", u"Grüße ✓"_s}, {"rev", u""_s}}, 1);
    out.family("nixos_generation_age_seconds", "Age of the current generation.");
    out.sample(0.25);
    out.family("nixos_flake_input_age_seconds", "Age of a flake input.");
    out.sample({{"input", u"nan"_s}}, std::numeric_limits<double>::quiet_NaN());
    out.sample({{"input", u"pinf"_s}}, std::numeric_limits<double>::infinity());
    out.sample({{"input", u"ninf"_s}}, -std::numeric_limits<double>::infinity());
    out.sample({{"input", u"tiny"_s}}, DBL_MIN);
    out.sample({{"input", u"huge"_s}}, DBL_MAX);
    // Not nixos_generation_count: promtool's linter rejects any "_count" outside histograms
    // and summaries, which is about the name, not about this writer.
    out.family("nixos_current_generation", "Number of the current generation.");
    out.sample(1732406400);

    QProcess process;
    process.start(promtool, {u"check"_s, u"metrics"_s});
    QVERIFY2(process.waitForStarted(), qPrintable(process.errorString()));
    process.write(out.text());
    process.closeWriteChannel();
    QVERIFY(process.waitForFinished(60000));
    const QByteArray report = process.readAllStandardOutput() + process.readAllStandardError();
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
             (report + "\n--- input ---\n" + out.text()).constData());
}

QTEST_GUILESS_MAIN(TestExposition)
#include "tst_exposition.moc"
