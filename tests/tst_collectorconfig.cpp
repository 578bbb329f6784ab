// SPDX-License-Identifier: MIT
// The store and upgrade collectors' settings: durations, YAML keys with line-numbered errors,
// and flags (which win, and are no collector switches).
#include "collector.h"
#include "commandline.h"
#include "duration.h"
#include "exporterconfig.h"

#include <QTest>

namespace {
const QString ConfigName = QStringLiteral("/etc/nixos-exporter.yml");

CommandLine::Outcome parse(CommandLine &commandLine, const QStringList &flags)
{
    return commandLine.parse(QStringList{QStringLiteral("nixos-exporter")} + flags);
}
} // namespace

class TestCollectorConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void durations_data();
    void durations();
    void badDurations_data();
    void badDurations();
    void defaults();
    void yaml();
    void yamlErrors_data();
    void yamlErrors();
    void flags();
    void flagsWinOverYaml();
    void badFlag();
    void generationMaxSeries();
};

void TestCollectorConfig::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("formatted");
    QTest::newRow("seconds") << "30s" << qint64(30'000) << "30s";
    QTest::newRow("minutes") << "5m" << qint64(300'000) << "5m";
    QTest::newRow("hours") << "6h" << qint64(21'600'000) << "6h";
    QTest::newRow("combined") << "1h30m" << qint64(5'400'000) << "1h30m";
    QTest::newRow("milliseconds") << "1500ms" << qint64(1500) << "1s500ms";
    QTest::newRow("day") << "1d" << qint64(86'400'000) << "1d";
    QTest::newRow("week") << "2w" << qint64(14 * 86'400'000LL) << "2w";
    QTest::newRow("spaces around") << " 10m " << qint64(600'000) << "10m";
}

void TestCollectorConfig::durations()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    QFETCH(QString, formatted);
    QCOMPARE(Duration::parse(text), std::optional<qint64>(ms));
    QCOMPARE(Duration::format(ms), formatted);
}

void TestCollectorConfig::badDurations_data()
{
    QTest::addColumn<QString>("text");
    for (const char *text :
         {"", "5", "0s", "-5m", "5 m", "m", "5M", "1.5h", "5m1h", "99999999999999w"})
        QTest::newRow(text) << QString::fromLatin1(text);
}

void TestCollectorConfig::badDurations()
{
    QFETCH(QString, text);
    QString error;
    QCOMPARE(Duration::parse(text, &error), std::nullopt);
    QVERIFY2(error.contains(QLatin1String("is not a duration")), qPrintable(error));
}

void TestCollectorConfig::defaults()
{
    const ExporterConfig config;
    QCOMPARE(config.collectors.value(QStringLiteral("store")), false);
    QCOMPARE(config.collectors.value(QStringLiteral("upgrade")), false);
    QCOMPARE(config.storeRefreshMs, 5 * 60'000);
    QCOMPARE(config.upgrade.intervalMs, 6 * 3'600'000LL);
    QCOMPARE(config.upgrade.timeoutMs, 30'000);
    QCOMPARE(config.upgrade.baseUrl, QStringLiteral("https://channels.nixos.org"));
    QVERIFY(config.upgrade.channel.isEmpty() && config.upgrade.url.isEmpty());
}

void TestCollectorConfig::yaml()
{
    ExporterConfig config;
    QString error;
    QVERIFY2(config.loadYamlText(R"(collectors:
  store:
    enabled: true
    refresh_interval: 10m
  upgrade:
    enabled: true
    channel: nixos-unstable
    base_url: https://mirror.example/channels
    url: https://example.org/head
    interval: 12h
    timeout: 10s
)",
                                 ConfigName, &error),
             qPrintable(error));
    QCOMPARE(config.collectors.value(QStringLiteral("store")), true);
    QCOMPARE(config.collectors.value(QStringLiteral("upgrade")), true);
    QCOMPARE(config.storeRefreshMs, 600'000);
    QCOMPARE(config.upgrade.channel, QStringLiteral("nixos-unstable"));
    QCOMPARE(config.upgrade.baseUrl, QStringLiteral("https://mirror.example/channels"));
    QCOMPARE(config.upgrade.url, QStringLiteral("https://example.org/head"));
    QCOMPARE(config.upgrade.intervalMs, 12 * 3'600'000LL);
    QCOMPARE(config.upgrade.timeoutMs, 10'000);
}

void TestCollectorConfig::yamlErrors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("error");
    QTest::newRow("bad refresh interval")
        << QByteArray("collectors:\n  store:\n    enabled: true\n    refresh_interval: often\n")
        << "/etc/nixos-exporter.yml:4: collectors.store.refresh_interval: \"often\" is not a "
           "duration greater than 0 (like 30s, 5m, 6h, 1h30m)";
    QTest::newRow("unknown store key") << QByteArray("collectors:\n  store:\n    interval: 5m\n")
                                       << "/etc/nixos-exporter.yml:3: unknown key \"interval\" in "
                                          "collectors.store (known: enabled, refresh_interval)";
    QTest::newRow("unknown upgrade key")
        << QByteArray("collectors:\n  upgrade:\n    enabled: true\n    chanel: nixos-unstable\n")
        << "/etc/nixos-exporter.yml:4: unknown key \"chanel\" in collectors.upgrade (known: "
           "enabled, channel, base_url, url, interval, timeout)";
    QTest::newRow("zero timeout")
        << QByteArray("collectors:\n  upgrade:\n    timeout: 0s\n")
        << "/etc/nixos-exporter.yml:3: collectors.upgrade.timeout: \"0s\" is not a duration "
           "greater than 0 (like 30s, 5m, 6h, 1h30m)";
    QTest::newRow("channel as a list")
        << QByteArray("collectors:\n  upgrade:\n    channel: [a, b]\n")
        << "/etc/nixos-exporter.yml:3: collectors.upgrade.channel must be a string";
    QTest::newRow("store key under generation")
        << QByteArray("collectors:\n  generation:\n    refresh_interval: 5m\n")
        << "/etc/nixos-exporter.yml:3: unknown key \"refresh_interval\" in collectors.generation "
           "(known: enabled, max_series)";
    QTest::newRow("negative max_series")
        << QByteArray("collectors:\n  generation:\n    max_series: -1\n")
        << "/etc/nixos-exporter.yml:3: collectors.generation.max_series must be a number of 0 or more";
    QTest::newRow("max_series as a word")
        << QByteArray("collectors:\n  generation:\n    enabled: true\n    max_series: all\n")
        << "/etc/nixos-exporter.yml:4: collectors.generation.max_series must be a number of 0 or more";
}

void TestCollectorConfig::yamlErrors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, error);
    ExporterConfig config;
    QString actual;
    QVERIFY(!config.loadYamlText(yaml, ConfigName, &actual));
    QCOMPARE(actual, error);
    QCOMPARE(config.storeRefreshMs, 5 * 60'000); // nothing applied
}

void TestCollectorConfig::flags()
{
    CommandLine commandLine;
    QCOMPARE(parse(commandLine, {QStringLiteral("--collector.store"),
                                 QStringLiteral("--collector.store.refresh-interval=1m"),
                                 QStringLiteral("--collector.upgrade"),
                                 QStringLiteral("--collector.upgrade.channel=nixos-24.11"),
                                 QStringLiteral("--collector.upgrade.base-url=http://127.0.0.1:1"),
                                 QStringLiteral("--collector.upgrade.url=http://127.0.0.1:2/rev"),
                                 QStringLiteral("--collector.upgrade.interval=2h"),
                                 QStringLiteral("--collector.upgrade.timeout=5s")}),
             CommandLine::Outcome::Run);
    const ExporterConfig &config = commandLine.config();
    QCOMPARE(config.collectors.value(QStringLiteral("store")), true);
    QCOMPARE(config.collectors.value(QStringLiteral("upgrade")), true);
    QCOMPARE(config.storeRefreshMs, 60'000);
    QCOMPARE(config.upgrade.channel, QStringLiteral("nixos-24.11"));
    QCOMPARE(config.upgrade.baseUrl, QStringLiteral("http://127.0.0.1:1"));
    QCOMPARE(config.upgrade.url, QStringLiteral("http://127.0.0.1:2/rev"));
    QCOMPARE(config.upgrade.intervalMs, 2 * 3'600'000LL);
    QCOMPARE(config.upgrade.timeoutMs, 5000);
    // Settings are no switches: no collector called "store.refresh-interval" appears.
    QCOMPARE(config.collectors.size(), Collectors::names().size());

    CommandLine onlySetting;
    QCOMPARE(parse(onlySetting, {QStringLiteral("--collector.store.refresh-interval=1m")}),
             CommandLine::Outcome::Run);
    QCOMPARE(onlySetting.config().collectors.value(QStringLiteral("store")), false);
}

void TestCollectorConfig::flagsWinOverYaml()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("config.yml"));
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write("collectors:\n  store: {enabled: true, refresh_interval: 10m}\n  upgrade: {interval: "
              "1h}\n");
    out.close();
    CommandLine commandLine;
    QCOMPARE(parse(commandLine, {QStringLiteral("--config"), file,
                                 QStringLiteral("--collector.store.refresh-interval=30s")}),
             CommandLine::Outcome::Run);
    QCOMPARE(commandLine.config().storeRefreshMs, 30'000);
    QCOMPARE(commandLine.config().upgrade.intervalMs, 3'600'000);
    QCOMPARE(commandLine.config().collectors.value(QStringLiteral("store")), true);
}

void TestCollectorConfig::badFlag()
{
    CommandLine commandLine;
    QCOMPARE(parse(commandLine, {QStringLiteral("--collector.upgrade.interval=soon")}),
             CommandLine::Outcome::Error);
    QCOMPARE(commandLine.error(),
             QStringLiteral("--collector.upgrade.interval: \"soon\" is not a duration greater than "
                            "0 (like 30s, 5m, 6h, 1h30m)"));
}

void TestCollectorConfig::generationMaxSeries()
{
    QCOMPARE(ExporterConfig().collectorOptions.generationMaxSeries, CollectorOptions::DefaultGenerationMaxSeries);
    QCOMPARE(CollectorOptions::DefaultGenerationMaxSeries, 10);

    ExporterConfig config;
    QString error;
    QVERIFY2(config.loadYamlText("collectors:\n  generation: {max_series: 0}\n", ConfigName, &error), qPrintable(error));
    QCOMPARE(config.collectorOptions.generationMaxSeries, 0);
    QCOMPARE(config.collectors.value(QStringLiteral("generation")), true);  // a setting, no switch

    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("config.yml"));
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write("collectors:\n  generation:\n    max_series: 3\n");
    out.close();
    CommandLine fromYaml;
    QCOMPARE(parse(fromYaml, {QStringLiteral("--config"), file}), CommandLine::Outcome::Run);
    QCOMPARE(fromYaml.config().collectorOptions.generationMaxSeries, 3);
    CommandLine flagWins;
    QCOMPARE(parse(flagWins, {QStringLiteral("--config"), file, QStringLiteral("--collector.generation.max-series=25")}),
             CommandLine::Outcome::Run);
    QCOMPARE(flagWins.config().collectorOptions.generationMaxSeries, 25);
    QCOMPARE(flagWins.config().collectors.size(), Collectors::names().size());

    for (const char *bad : {"-1", "ten", ""}) {
        CommandLine commandLine;
        QCOMPARE(parse(commandLine, {QStringLiteral("--collector.generation.max-series=") + QLatin1String(bad)}),
                 CommandLine::Outcome::Error);
        QCOMPARE(commandLine.error(),
                 QStringLiteral("--collector.generation.max-series: expected a number of generations, 0 for all"));
    }
}

QTEST_GUILESS_MAIN(TestCollectorConfig)
#include "tst_collectorconfig.moc"
