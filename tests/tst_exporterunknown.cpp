// SPDX-License-Identifier: MIT
// nixos-exporter as a process, over HTTP, says only what it knows: a source that fails
// writes none of its metrics (never a made-up 0) and /status says null; a watched directory
// that vanishes and comes back is watched again, so later changes show within 2 s; the
// per-generation series are bounded.
#include "exporterprocess.h"
#include "goldenfixture.h"
#include "samplevalue.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {
// Every sample line whose name starts with prefix.
QStringList samples(const QByteArray &metrics, const QString &prefix)
{
    QStringList found;
    for (const QString &line : QString::fromUtf8(metrics).split(QLatin1Char('\n'))) {
        if (line.startsWith(prefix))
            found.append(line);
    }
    return found;
}

QString success(const QString &collector)
{
    return QStringLiteral("nixos_exporter_collector_success{collector=\"%1\"}").arg(collector);
}

// Within 2 s, like any other change (the periodic rescan is a minute away).
constexpr int RearmTimeoutMs = 2000;
} // namespace

class TestExporterUnknown : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void emptyRootWritesNoSystemMetrics();
    void vanishingRootIsFailureThenWatchedAgain();
    void missingProfilesDirHasNoCount();
    void lockDirRecreatedIsWatchedAgain();
    void failedStoreWritesNothing();
    void failedUpgradeCheckWritesNothing();
    void generationSeriesAreBounded_data();
    void generationSeriesAreBounded();

private:
    QByteArray metrics() { return m_exporter->get(QStringLiteral("/metrics")).body; }
    QJsonObject status()
    {
        return QJsonDocument::fromJson(m_exporter->get(QStringLiteral("/status")).body).object();
    }
    bool start(const QString &root, const QStringList &extra = {});

    FixtureTree *m_tree = nullptr;
    GoldenFixture::StorePaths m_systems;
    ExporterProcess *m_exporter = nullptr;
};

void TestExporterUnknown::init()
{
    m_tree = new FixtureTree;
    m_systems = GoldenFixture::build(*m_tree, QDateTime::currentSecsSinceEpoch() - 3600);
    m_exporter = new ExporterProcess;
}

void TestExporterUnknown::cleanup()
{
    delete m_exporter;
    m_exporter = nullptr;
    delete m_tree;
    m_tree = nullptr;
}

bool TestExporterUnknown::start(const QString &root, const QStringList &extra)
{
    const bool started = m_exporter->start(QStringList{QStringLiteral("--root"), root} + extra);
    if (!started)
        qWarning("exporter did not start: %s", qPrintable(m_exporter->error()));
    return started;
}

void TestExporterUnknown::emptyRootWritesNoSystemMetrics()
{
    QTemporaryDir empty;
    QVERIFY(start(empty.path(), {QStringLiteral("--collector.flake")}));
    const QByteArray body = metrics();
    QCOMPARE(sampleValue(body, success(QStringLiteral("generation"))), QStringLiteral("0"));
    QCOMPARE(sampleValue(body, success(QStringLiteral("flake"))), QStringLiteral("0"));
    // Nothing of the system at all: no count of 0, no reboot flag, no inputs.
    for (const QString &line : QString::fromUtf8(body).split(QLatin1Char('\n'))) {
        QVERIFY2(!line.startsWith(QLatin1String("nixos_")) || line.startsWith(QLatin1String("nixos_exporter_")),
                 qPrintable(line));
    }

    const QJsonObject json = status();
    const QJsonObject system = json[QStringLiteral("system")].toObject();
    for (const char *field : {"current_generation", "booted_generation", "default_generation", "current_system",
                              "booted_system", "reboot_required", "reboot_reasons", "generations"})
        QVERIFY2(system[QLatin1String(field)].isNull(), field);
    const QJsonObject flake = json[QStringLiteral("flake")].toObject();
    for (const char *field : {"lock_path", "lock_version", "inputs", "nixpkgs_inputs"})
        QVERIFY2(flake[QLatin1String(field)].isNull(), field);
    QVERIFY(json[QStringLiteral("nixpkgs")][QStringLiteral("timestamp")].isNull());
    QVERIFY(json[QStringLiteral("nixpkgs")][QStringLiteral("age_seconds")].isNull());
    // Sources that are not read took no time that could be said.
    QVERIFY(json[QStringLiteral("sources")][QStringLiteral("store")][QStringLiteral("duration_seconds")].isNull());
    QVERIFY(json[QStringLiteral("store")].isNull());
    QVERIFY(json[QStringLiteral("upgrade")].isNull());
}

void TestExporterUnknown::vanishingRootIsFailureThenWatchedAgain()
{
    QVERIFY(start(m_tree->root()));
    QCOMPARE(sampleValue(metrics(), QStringLiteral("nixos_generation_count")), QStringLiteral("3"));
    const QString root = m_tree->root();
    const QString away = root + QStringLiteral(".away");
    // Renamed away: the watches inside follow their directories out of the root.
    QVERIFY(QDir().rename(root, away));
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(metrics(), success(QStringLiteral("generation"))), QStringLiteral("0"),
                              RearmTimeoutMs);
    QCOMPARE(samples(metrics(), QStringLiteral("nixos_generation_")), QStringList());
    QCOMPARE(sampleValue(metrics(), QStringLiteral("nixos_current_generation")), QString());
    QVERIFY(status()[QStringLiteral("system")][QStringLiteral("generations")].isNull());

    QVERIFY(QDir().rename(away, root));
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(metrics(), QStringLiteral("nixos_current_generation")), QStringLiteral("47"),
                              RearmTimeoutMs);
    // A rollback in the returned root shows as fast as in one that never left.
    QElapsedTimer timer;
    timer.start();
    m_tree->setCurrentSystem(m_systems.generation46);
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(metrics(), QStringLiteral("nixos_current_generation")), QStringLiteral("46"),
                              RearmTimeoutMs);
    qInfo("switch in the returned root visible after %lld ms", timer.elapsed());
}

void TestExporterUnknown::missingProfilesDirHasNoCount()
{
    QVERIFY(start(m_tree->root()));
    const QString profiles = m_tree->hostPath(QStringLiteral("/nix/var/nix/profiles"));
    QVERIFY(QDir(profiles).removeRecursively());
    // The running system is still there; the generations are unknown, not none.
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(metrics(), QStringLiteral("nixos_generation_count")), QString(),
                              RearmTimeoutMs);
    QCOMPARE(sampleValue(metrics(), success(QStringLiteral("generation"))), QStringLiteral("1"));
    QCOMPARE(samples(metrics(), QStringLiteral("nixos_generation_timestamp_seconds")), QStringList());
    QVERIFY(status()[QStringLiteral("system")][QStringLiteral("generations")].isNull());

    // Made again (a restore from backup): seen through the watch on its parent.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    m_tree->addGeneration(46, m_systems.generation46, now - 7200);
    m_tree->addGeneration(47, m_systems.generation47, now - 3600);
    m_tree->setDefaultGeneration(47);
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(metrics(), QStringLiteral("nixos_generation_count")), QStringLiteral("2"),
                              RearmTimeoutMs);
    // A new generation only the recreated directory sees: its own watch must be there.
    QElapsedTimer timer;
    timer.start();
    m_tree->addGeneration(48, m_systems.generation46, now);
    m_tree->setDefaultGeneration(48);
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(metrics(), QStringLiteral("nixos_default_generation")), QStringLiteral("48"),
                              RearmTimeoutMs);
    qInfo("new generation in the recreated profiles directory visible after %lld ms", timer.elapsed());
    QCOMPARE(sampleValue(metrics(), QStringLiteral("nixos_generation_count")), QStringLiteral("3"));
}

void TestExporterUnknown::lockDirRecreatedIsWatchedAgain()
{
    QVERIFY(start(m_tree->root(), {QStringLiteral("--collector.flake")}));
    QCOMPARE(sampleValue(metrics(), success(QStringLiteral("flake"))), QStringLiteral("1"));
    QVERIFY(QDir(m_tree->hostPath(QStringLiteral("/etc/nixos"))).removeRecursively());
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(metrics(), success(QStringLiteral("flake"))), QStringLiteral("0"),
                              RearmTimeoutMs);
    QCOMPARE(samples(metrics(), QStringLiteral("nixos_flake_")), QStringList());
    QVERIFY(status()[QStringLiteral("flake")][QStringLiteral("inputs")].isNull());

    const auto lock = [](qint64 lastModified) {
        return QStringLiteral(R"({"nodes": {"nixpkgs": {"locked": {"lastModified": %1, "owner": "NixOS",
            "repo": "nixpkgs", "rev": "0123456789abcdef0123456789abcdef01234567", "type": "github"},
            "original": {"owner": "NixOS", "ref": "nixos-unstable", "repo": "nixpkgs", "type": "github"}},
            "root": {"inputs": {"nixpkgs": "nixpkgs"}}}, "root": "root", "version": 7})")
            .arg(lastModified)
            .toUtf8();
    };
    const QString series = QStringLiteral(
        "nixos_flake_input_last_modified_timestamp_seconds{input=\"nixpkgs\",type=\"github\",owner=\"NixOS\",ref=\"nixos-unstable\"}");
    m_tree->writeFile(QStringLiteral("/etc/nixos/flake.lock"), lock(1'786'000'000));
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(metrics(), series), QStringLiteral("1786000000"), RearmTimeoutMs);
    // `nix flake update` in the recreated directory.
    QElapsedTimer timer;
    timer.start();
    m_tree->writeFile(QStringLiteral("/etc/nixos/flake.lock"), lock(1'786'086'400));
    QTRY_COMPARE_WITH_TIMEOUT(sampleValue(metrics(), series), QStringLiteral("1786086400"), RearmTimeoutMs);
    qInfo("lock update in the recreated directory visible after %lld ms", timer.elapsed());
}

void TestExporterUnknown::failedStoreWritesNothing()
{
    // The fixture has no Nix database.
    QVERIFY(start(m_tree->root(), {QStringLiteral("--collector.store")}));
    const QByteArray body = metrics();
    QCOMPARE(sampleValue(body, success(QStringLiteral("store"))), QStringLiteral("0"));
    QCOMPARE(samples(body, QStringLiteral("nixos_store_")), QStringList());
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_current_generation")), QStringLiteral("47"));
    const QJsonObject json = status();
    QVERIFY(!json[QStringLiteral("sources")][QStringLiteral("store")][QStringLiteral("error")].toString().isEmpty());
    for (const char *field : {"size_bytes", "path_count", "gc_roots"})
        QVERIFY2(json[QStringLiteral("store")][QLatin1String(field)].isNull(), field);
}

void TestExporterUnknown::failedUpgradeCheckWritesNothing()
{
    // Nothing listens on port 1 of loopback: the check fails at once.
    QVERIFY(start(m_tree->root(), {QStringLiteral("--collector.upgrade"),
                                   QStringLiteral("--collector.upgrade.url=http://127.0.0.1:1/git-revision")}));
    const auto error = [this] {
        return status()[QStringLiteral("sources")][QStringLiteral("upgrade")][QStringLiteral("error")].toString();
    };
    QTRY_VERIFY_WITH_TIMEOUT(error().contains(QLatin1String("127.0.0.1:1")), 10'000);
    const QByteArray body = metrics();
    QCOMPARE(sampleValue(body, success(QStringLiteral("upgrade"))), QStringLiteral("0"));
    QCOMPARE(samples(body, QStringLiteral("nixos_upgrade_")), QStringList());
    const QJsonObject upgrade = status()[QStringLiteral("upgrade")].toObject();
    for (const char *field : {"head_revision", "head_last_modified", "checked_at", "pending", "behind_seconds"})
        QVERIFY2(upgrade[QLatin1String(field)].isNull(), field);
}

void TestExporterUnknown::generationSeriesAreBounded_data()
{
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QList<int>>("expected");
    const QList<int> rollbackTargets{1, 3};  // default and booted, long out of the newest
    QList<int> all;
    for (int n = 1; n <= 30; ++n)
        all.append(n);
    QTest::newRow("default: newest 10") << QStringList() << QByteArray()
                                        << rollbackTargets + QList<int>{21, 22, 23, 24, 25, 26, 27, 28, 29, 30};
    QTest::newRow("flag 5") << QStringList{QStringLiteral("--collector.generation.max-series=5")} << QByteArray()
                            << rollbackTargets + QList<int>{26, 27, 28, 29, 30};
    QTest::newRow("flag 0: all") << QStringList{QStringLiteral("--collector.generation.max-series=0")} << QByteArray()
                                 << all;
    QTest::newRow("yaml 2") << QStringList() << QByteArray("collectors:\n  generation: {max_series: 2}\n")
                            << rollbackTargets + QList<int>{29, 30};
    QTest::newRow("flag wins over yaml")
        << QStringList{QStringLiteral("--collector.generation.max-series=1")}
        << QByteArray("collectors:\n  generation: {max_series: 2}\n") << rollbackTargets + QList<int>{30};
}

void TestExporterUnknown::generationSeriesAreBounded()
{
    QFETCH(QStringList, flags);
    QFETCH(QByteArray, yaml);
    QFETCH(QList<int>, expected);
    // A machine that never collects garbage: 30 generations; 30 runs, 3 booted, 1 is the
    // default (a `nixos-rebuild boot --rollback` far back).
    FixtureTree tree;
    FixtureTree::SystemSpec spec;
    spec.name = QStringLiteral("many");
    const QString many = tree.addSystem(spec);
    spec.name = QStringLiteral("booted");
    const QString booted = tree.addSystem(spec);
    spec.name = QStringLiteral("running");
    const QString running = tree.addSystem(spec);
    const qint64 first = QDateTime::currentSecsSinceEpoch() - 30 * 86400;
    for (int n = 1; n <= 30; ++n)
        tree.addGeneration(n, n == 3 ? booted : n == 30 ? running : many, first + n * 86400);
    tree.setDefaultGeneration(1);
    tree.setCurrentSystem(running);
    tree.setBootedSystem(booted);
    QTemporaryDir config;
    if (!yaml.isEmpty()) {
        QFile file(config.filePath(QStringLiteral("exporter.yml")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(yaml);
        file.close();
        flags.prepend(file.fileName());
        flags.prepend(QStringLiteral("--config"));
    }
    QVERIFY(start(tree.root(), flags));
    const QByteArray body = metrics();
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_generation_count")), QStringLiteral("30"));
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_current_generation")), QStringLiteral("30"));
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_booted_generation")), QStringLiteral("3"));
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_default_generation")), QStringLiteral("1"));
    QList<int> series;
    static const QRegularExpression generation(
        QStringLiteral("^nixos_generation_timestamp_seconds\\{generation=\"(\\d+)\"\\} (\\d+)$"));
    for (const QString &line : samples(body, QStringLiteral("nixos_generation_timestamp_seconds"))) {
        const QRegularExpressionMatch match = generation.match(line);
        QVERIFY2(match.hasMatch(), qPrintable(line));
        const int number = match.captured(1).toInt();
        QCOMPARE(match.captured(2).toLongLong(), first + number * 86400);
        series.append(number);
    }
    QCOMPARE(series, expected);
    QVERIFY(body.contains("# HELP nixos_generation_timestamp_seconds "));
    QVERIFY(body.contains("--collector.generation.max-series"));
}

QTEST_GUILESS_MAIN(TestExporterUnknown)
#include "tst_exporterunknown.moc"
