// SPDX-License-Identifier: MIT
// The process_* self metrics: the /proc parsers on inline text, the reader on this process,
// the renderer; and the HTTP request counter's bounded labels.
#include "exposition.h"
#include "httprequestcounter.h"
#include "kernelclock.h"
#include "processmetrics.h"

#include <QTest>

#include <sys/resource.h>

using namespace ProcessMetrics;

namespace {
// A /proc/self/stat line as Linux 6.1 writes it, with comm replaced by the given one.
QByteArray statLine(const QByteArray &comm)
{
    return "4242 (" + comm + ") S 1 4242 4242 0 -1 4194560 1234 0 0 0 "
           "250 75 0 0 20 0 3 0 987654 123456789 2048 18446744073709551615 1 1 0 0 0 0 0 "
           "4096 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
}

} // namespace

class TestProcessMetrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parseStat_data();
    void parseStat();
    void parseStatRejects_data();
    void parseStatRejects();
    void unlimitedIsClientGolangsValue();
    void parseBootTime();
    void combineConvertsUnits();
    void combineLeavesOutWhatIsUnknown();
    void readsThisProcess();
    void renderHasClientLibraryTypes();
    void renderLeavesOutUnknown();
    void counterBoundsPaths();
    void counterRendersSorted();
};

void TestProcessMetrics::parseStat_data()
{
    QTest::addColumn<QByteArray>("comm");
    QTest::newRow("plain") << QByteArray("nixos-exporter");
    QTest::newRow("spaces") << QByteArray("my exporter 2");
    // A comm may hold ") S 1 2 3": only the last ')' ends it.
    QTest::newRow("parentheses and spaces") << QByteArray("a) S 1 (b) 9 9");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("only parentheses") << QByteArray("))((");
}

void TestProcessMetrics::parseStat()
{
    QFETCH(QByteArray, comm);
    const std::optional<StatFields> fields = ProcessMetrics::parseStat(statLine(comm));
    QVERIFY(fields);
    QCOMPARE(fields->userTicks, 250);
    QCOMPARE(fields->systemTicks, 75);
    QCOMPARE(fields->startTicks, 987654);
    QCOMPARE(fields->virtualBytes, 123456789);
    QCOMPARE(fields->residentPages, 2048);
}

void TestProcessMetrics::parseStatRejects_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("no parenthesis") << QByteArray("4242 exporter S 1 2 3");
    QTest::newRow("cut after comm") << QByteArray("4242 (exporter) S 1 4242");
    QByteArray cut = statLine("x");
    cut.truncate(cut.indexOf(" 123456789"));  // ends before vsize
    QTest::newRow("cut before vsize") << cut;
    QByteArray word = statLine("x");
    word.replace(" 250 75 ", " 25x 75 ");
    QTest::newRow("utime not a number") << word;
}

void TestProcessMetrics::parseStatRejects()
{
    QFETCH(QByteArray, text);
    QVERIFY(!ProcessMetrics::parseStat(text));
}

void TestProcessMetrics::unlimitedIsClientGolangsValue()
{
    // RLIM_INFINITY as a double: client_golang writes it 1.8446744073709552e+19, we write the
    // same double in the shorter of the two forms.
    QCOMPARE(Unlimited, double(RLIM_INFINITY));
    QCOMPARE(Exposition::formatValue(Unlimited), QByteArray("18446744073709551616"));
}

void TestProcessMetrics::parseBootTime()
{
    QCOMPARE(ProcessMetrics::parseBootTime("cpu  1 2 3\nintr 5 6\nctxt 99\nbtime 1732406400\n"
                                           "processes 7\n"),
             std::optional<qint64>(1732406400));
    QVERIFY(!ProcessMetrics::parseBootTime("cpu 1 2 3\n"));
    QVERIFY(!ProcessMetrics::parseBootTime("btime soon\n"));
    QVERIFY(!ProcessMetrics::parseBootTime("btime 0\n"));
    QVERIFY(!ProcessMetrics::parseBootTime("xbtime 12\n"));
}

void TestProcessMetrics::combineConvertsUnits()
{
    const Stats stats = combine(ProcessMetrics::parseStat(statLine("x")), Limits{1024, Unlimited},
                                1'700'000'000, 12, 100, 4096);
    QCOMPARE(stats.cpuSeconds, std::optional<double>(3.25));  // (250 + 75) / 100
    QCOMPARE(stats.startTimeSeconds, std::optional<double>(1'700'000'000 + 9876.54));
    QCOMPARE(stats.virtualMemoryBytes, std::optional<double>(123456789));
    QCOMPARE(stats.residentMemoryBytes, std::optional<double>(2048.0 * 4096));
    QCOMPARE(stats.openFds, std::optional<double>(12));
    QCOMPARE(stats.maxFds, std::optional<double>(1024));
    QCOMPARE(stats.virtualMemoryMaxBytes, std::optional<double>(Unlimited));
}

void TestProcessMetrics::combineLeavesOutWhatIsUnknown()
{
    // No stat: no CPU, memory or start time; no boot time: no start time; never a 0.
    Stats stats = combine(std::nullopt, {}, 1'700'000'000, std::nullopt, 100, 4096);
    QVERIFY(!stats.cpuSeconds && !stats.startTimeSeconds && !stats.virtualMemoryBytes
            && !stats.residentMemoryBytes && !stats.openFds && !stats.maxFds
            && !stats.virtualMemoryMaxBytes);
    stats = combine(ProcessMetrics::parseStat(statLine("x")), {}, std::nullopt, 3, 100, 4096);
    QVERIFY(stats.cpuSeconds);
    QVERIFY(!stats.startTimeSeconds);
    QCOMPARE(stats.openFds, std::optional<double>(3));
}

void TestProcessMetrics::readsThisProcess()
{
    const Stats stats = ProcessMetrics::read();
    QVERIFY(stats.cpuSeconds && *stats.cpuSeconds >= 0);
    QVERIFY(stats.residentMemoryBytes && *stats.residentMemoryBytes > 1024 * 1024);
    QVERIFY(stats.virtualMemoryBytes && *stats.virtualMemoryBytes >= *stats.residentMemoryBytes);
    QVERIFY(stats.openFds && *stats.openFds >= 3);  // stdin, stdout, stderr at least
    QVERIFY(stats.maxFds && *stats.openFds <= *stats.maxFds);
    QVERIFY(stats.virtualMemoryMaxBytes && *stats.virtualMemoryMaxBytes > 0);
    // The soft limits, as /proc/self/limits shows them.
    rlimit files{};
    QCOMPARE(getrlimit(RLIMIT_NOFILE, &files), 0);
    QCOMPARE(*stats.maxFds, double(files.rlim_cur));
    // This test started moments ago (a few minutes at most on a loaded machine), by the
    // kernel's clock, which start times are measured on.
    const std::optional<double> kernelNow = KernelClock::now();
    QVERIFY(kernelNow);
    const double now = *kernelNow;
    QVERIFY(stats.startTimeSeconds);
    QVERIFY2(*stats.startTimeSeconds <= now + 1 && *stats.startTimeSeconds > now - 600,
             qPrintable(QString::number(now - *stats.startTimeSeconds)));
}

void TestProcessMetrics::renderHasClientLibraryTypes()
{
    Stats stats;
    stats.cpuSeconds = 1.5;
    stats.openFds = 9;
    stats.maxFds = 1024;
    stats.virtualMemoryBytes = 1e8;
    stats.virtualMemoryMaxBytes = Unlimited;
    stats.residentMemoryBytes = 2e7;
    stats.startTimeSeconds = 1732406400.25;
    Exposition out;
    ProcessMetrics::render(stats, out);
    const QByteArray text = out.text();
    QVERIFY(text.contains("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1.5\n"));
    for (const char *gauge : {"process_open_fds 9", "process_max_fds 1024",
                              "process_virtual_memory_bytes 100000000",
                              "process_virtual_memory_max_bytes 18446744073709551616",
                              "process_resident_memory_bytes 20000000",
                              "process_start_time_seconds 1732406400.25"}) {
        const QByteArray name = QByteArray(gauge).split(' ').first();
        QVERIFY2(text.contains("# TYPE " + name + " gauge\n" + gauge + '\n'), gauge);
    }
}

void TestProcessMetrics::renderLeavesOutUnknown()
{
    Stats stats;
    stats.openFds = 4;
    Exposition out;
    ProcessMetrics::render(stats, out);
    QCOMPARE(out.text(), QByteArray("# HELP process_open_fds Number of open file descriptors.\n"
                                    "# TYPE process_open_fds gauge\nprocess_open_fds 4\n"));
}

void TestProcessMetrics::counterBoundsPaths()
{
    HttpRequestCounter counter({QStringLiteral("/metrics"), QStringLiteral("/status"), QStringLiteral("/")});
    counter.count(QStringLiteral("/metrics"), 200);
    counter.count(QStringLiteral("/metrics"), 200);
    counter.count(QStringLiteral("/metrics"), 401);
    // A scanner's thousand paths are one series.
    for (int i = 0; i < 1000; ++i)
        counter.count(QStringLiteral("/wp-admin/%1.php").arg(i), 404);
    QCOMPARE(counter.value(QStringLiteral("/metrics"), 200), 2u);
    QCOMPARE(counter.value(QStringLiteral("/metrics"), 401), 1u);
    QCOMPARE(counter.value(HttpRequestCounter::OtherPath, 404), 1000u);
    QCOMPARE(counter.value(QStringLiteral("/anything"), 404), 1000u);
    QCOMPARE(counter.value(QStringLiteral("/status"), 200), 0u);
    Exposition out;
    counter.render(out);
    QCOMPARE(out.text().count("nixos_exporter_http_requests_total{"), 5);  // 3 routes' 200, 401, other
}

void TestProcessMetrics::counterRendersSorted()
{
    HttpRequestCounter counter({QStringLiteral("/m"), QStringLiteral("/")});
    counter.count(QStringLiteral("/nope"), 404);
    counter.count(QStringLiteral("/"), 405);
    counter.count(QStringLiteral("/m"), 405);
    counter.count(QStringLiteral("/m"), 200);
    Exposition out;
    counter.render(out);
    const QByteArray expected =
        "# HELP nixos_exporter_http_requests_total HTTP requests the exporter answered, by route "
        "(\"other\" for every unknown path) and status code\n"
        "# TYPE nixos_exporter_http_requests_total counter\n"
        "nixos_exporter_http_requests_total{path=\"/m\",code=\"200\"} 1\n"
        "nixos_exporter_http_requests_total{path=\"/m\",code=\"405\"} 1\n"
        "nixos_exporter_http_requests_total{path=\"/\",code=\"200\"} 0\n"
        "nixos_exporter_http_requests_total{path=\"/\",code=\"405\"} 1\n"
        "nixos_exporter_http_requests_total{path=\"other\",code=\"404\"} 1\n";
    QCOMPARE(out.text(), expected);
}

QTEST_GUILESS_MAIN(TestProcessMetrics)
#include "tst_processmetrics.moc"
