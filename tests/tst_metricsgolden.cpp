// SPDX-License-Identifier: MIT
// The whole /metrics body for a fixed fixture, compared with tests/data/golden/fixture.prom
// and linted by promtool. After an intended change of the output, regenerate the file with
// NIXOS_UPDATE_GOLDEN=1 and review the diff.
#include "collector.h"
#include "goldenfixture.h"
#include "metricsrenderer.h"
#include "promtool.h"
#include "requiredtool.h"
#include "snapshotreader.h"
#include "systemlayout.h"

#include <QFile>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

namespace {
const QString GoldenFile = QStringLiteral(NIXOS_TEST_DATA "/golden/fixture.prom");
constexpr qint64 Now = GoldenFixture::Generation47Created + 3600;

// Values that depend on the build or on the machine's speed, not on the fixture.
QByteArray masked(QByteArray text)
{
    static const QList<std::pair<QRegularExpression, QString>> rules{
        {QRegularExpression(QStringLiteral(R"(^(nixos_exporter_collector_duration_seconds\{.*\}) .*$)"),
                            QRegularExpression::MultilineOption), QStringLiteral("\\1 <duration>")},
        {QRegularExpression(QStringLiteral(R"(^nixos_exporter_snapshot_timestamp_seconds .*$)"),
                            QRegularExpression::MultilineOption), QStringLiteral("nixos_exporter_snapshot_timestamp_seconds <time>")},
        {QRegularExpression(QStringLiteral(R"(^nixos_exporter_build_info\{.*\} 1$)"),
                            QRegularExpression::MultilineOption), QStringLiteral("nixos_exporter_build_info{<build>} 1")},
    };
    QString result = QString::fromUtf8(text);
    for (const auto &[pattern, replacement] : rules)
        result.replace(pattern, replacement);
    return result.toUtf8();
}

// The per-request part with fixed values (the process' own are the machine's): every family,
// the counter after a few requests of each kind.
QByteArray exporterMetrics()
{
    ProcessMetrics::Stats process;
    process.cpuSeconds = 0.42;
    process.openFds = 11;
    process.maxFds = 524288;
    process.virtualMemoryBytes = 143'654'912;
    process.virtualMemoryMaxBytes = ProcessMetrics::Unlimited;
    process.residentMemoryBytes = 20'320'256;
    process.startTimeSeconds = Now - 600.25;
    HttpRequestCounter requests({QStringLiteral("/metrics"), QStringLiteral("/status"), QStringLiteral("/")});
    requests.count(QStringLiteral("/metrics"), 200);
    requests.count(QStringLiteral("/metrics"), 401);
    requests.count(QStringLiteral("/"), 405);
    requests.count(QStringLiteral("/wp-login.php"), 404);
    return MetricsRenderer::renderExporter(process, requests);
}

QByteArray renderFixture(const QString &root)
{
    ReadOptions options;
    options.flake = true;
    options.boot = true;  // on by default; the fixture has no /boot (a container): nothing but its success
    options.supportedReleases = {QStringLiteral("26.05"), QStringLiteral("26.11")};  // not today's calendar
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(root), options);
    QList<const Collector *> collectors;
    for (const Collector &collector : Collectors::all())
        collectors.append(&collector);
    return MetricsRenderer::render(snapshot, collectors, Now) + exporterMetrics();
}
} // namespace

class TestMetricsGolden : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matchesGoldenFile();
    void passesPromtool();
};

void TestMetricsGolden::matchesGoldenFile()
{
    FixtureTree tree;
    GoldenFixture::build(tree);
    const QByteArray actual = masked(renderFixture(tree.root()));
    if (qEnvironmentVariableIsSet("NIXOS_UPDATE_GOLDEN")) {
        QFile out(GoldenFile);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(actual);
        QSKIP("golden file rewritten");
    }
    QFile golden(GoldenFile);
    QVERIFY2(golden.open(QIODevice::ReadOnly), qPrintable(GoldenFile));
    const QList<QByteArray> expectedLines = golden.readAll().split('\n');
    const QList<QByteArray> actualLines = actual.split('\n');
    for (qsizetype i = 0; i < std::min(expectedLines.size(), actualLines.size()); ++i)
        QCOMPARE(actualLines[i], expectedLines[i]);  // first differing line, with its neighbours' context in the file
    QCOMPARE(actualLines.size(), expectedLines.size());
}

void TestMetricsGolden::passesPromtool()
{
    QString promtool;
    NIXOS_REQUIRE_TOOL(promtool, "promtool", "prometheus", "prometheus.cli");
    FixtureTree tree;
    GoldenFixture::build(tree);
    const PromtoolLint lint = PromtoolLint::of(promtool, renderFixture(tree.root()));
    QVERIFY(lint.ran);
    QVERIFY2(lint.findings.isEmpty(), qPrintable(lint.findings.join(QLatin1Char('\n'))));
    QVERIFY2(lint.exitCode == 0 || lint.exitCode == 3, qPrintable(QString::number(lint.exitCode)));
}

QTEST_GUILESS_MAIN(TestMetricsGolden)
#include "tst_metricsgolden.moc"
