// SPDX-License-Identifier: MIT
// What a reboot would change, from the real exporter with the store collector on a real Nix
// store that Nix itself wrote (tests/nixstore.h): two systems, the booted one and the current
// one a step later (upgrades, a downgrade, packages added and removed). /metrics and /status
// must say what nix-store -qR, nix path-info -S and nix store diff-closures say of the two;
// the database is read when the systems change, not per scrape or scan, and what it cannot
// tell is absent.
#include "cliprocess.h"
#include "exporterprocess.h"
#include "fixturetree.h"
#include "nixdatabase.h"
#include "nixstore.h"
#include "packagediff.h"
#include "promtool.h"
#include "requiredtool.h"
#include "samplevalue.h"
#include "systemlayout.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

namespace {
// Enough for every kind of change NixStore::sample makes (a downgrade at package 503).
constexpr int Packages = 600;
}

class TestRebootChanges : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void closuresMatchNix();
    void changesMatchNixDiffClosures();
    void readOncePerPairOfSystems();
    void nothingWithoutTheStoreCollector();
    void cliReportCountsThem();
    void promtoolAcceptsTheFamilies();

private:
    void start(const QStringList &arguments = {});
    QByteArray metrics() { return m_exporter->get(QStringLiteral("/metrics")).body; }
    QJsonObject status() { return QJsonDocument::fromJson(m_exporter->get(QStringLiteral("/status")).body).object(); }
    QString dbFile() const { return m_tree->hostPath(NixDatabase::Path); }
    // A Nix command's standard output, or empty (with the reason in a failed check).
    QString nix(const QString &program, const QStringList &arguments);

    std::unique_ptr<FixtureTree> m_tree;
    std::unique_ptr<NixStore> m_store;
    std::unique_ptr<ExporterProcess> m_exporter;
    QString m_booted;
    QString m_current;
};

void TestRebootChanges::initTestCase()
{
    const QString missing = NixStore::missingTool();
    NIXOS_REQUIRE_FOUND(QString(missing.isEmpty() ? "found" : ""),
                        RequiredTool::missing(qPrintable(missing), "nix-bin, coreutils", "nix, coreutils"));
    m_tree = std::make_unique<FixtureTree>();
    m_store = std::make_unique<NixStore>(m_tree->root());
    QStringList systems;
    for (int step = 0; step < 2; ++step) {
        const std::optional<QString> system = m_store->build(NixStore::sample(Packages, step));
        if (!system && m_store->sandboxUnavailable())
            QSKIP(qPrintable(QStringLiteral("Nix builds into a store below a root only in its sandbox, which this machine does not allow: ")
                             + m_store->error()));
        QVERIFY2(system, qPrintable(m_store->error()));
        QVERIFY2(m_store->setSystemProfile(*system), qPrintable(m_store->error()));
        systems.append(*system);
    }
    m_booted = systems[0];
    m_current = systems[1];
}

void TestRebootChanges::init()
{
    m_tree->setBootedSystem(m_booted);
    m_tree->setCurrentSystem(m_current);
    m_exporter = std::make_unique<ExporterProcess>();
}

void TestRebootChanges::cleanup()
{
    m_exporter.reset();
    if (!QFile::exists(dbFile()))
        QVERIFY(QFile::rename(dbFile() + QStringLiteral(".away"), dbFile()));
}

void TestRebootChanges::start(const QStringList &arguments)
{
    QVERIFY2(m_exporter->start(QStringList{QStringLiteral("--root"), m_tree->root(), QStringLiteral("--collector.store")}
                               + arguments),
             qPrintable(m_exporter->error()));
}

QString TestRebootChanges::nix(const QString &program, const QStringList &arguments)
{
    QProcess process;
    const QStringList features{QStringLiteral("--extra-experimental-features"), QStringLiteral("nix-command")};
    process.start(QStandardPaths::findExecutable(program),
                  (program == QLatin1String("nix") ? features : QStringList()) + arguments + m_store->options());
    if (!process.waitForFinished(60'000) || process.exitCode() != 0) {
        qWarning("%s: %s", qPrintable(program), process.readAllStandardError().constData());
        return {};
    }
    return QString::fromUtf8(process.readAllStandardOutput());
}

void TestRebootChanges::closuresMatchNix()
{
    start();
    const QByteArray body = metrics();
    const QJsonObject changes = status()[QStringLiteral("reboot_changes")].toObject();
    for (const auto &[system, path, side] : {std::tuple{"booted", m_booted, "from"}, std::tuple{"current", m_current, "to"}}) {
        const QStringList paths = nix(QStringLiteral("nix-store"), {QStringLiteral("-qR"), path}).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(paths.size() > Packages);
        // "PATH\tSIZE": the closure's size, the sum of its NAR sizes.
        const QStringList pathInfo = nix(QStringLiteral("nix"), {QStringLiteral("path-info"), QStringLiteral("-S"), path}).split(QLatin1Char('\t'));
        QCOMPARE(pathInfo.size(), 2);
        const QString size = pathInfo[1].trimmed();
        QVERIFY(size.toLongLong() > 0);
        QCOMPARE(sampleValue(body, QStringLiteral("nixos_system_closure_paths{system=\"%1\"}").arg(QLatin1String(system))),
                 QString::number(paths.size()));
        QCOMPARE(sampleValue(body, QStringLiteral("nixos_system_closure_size_bytes{system=\"%1\"}").arg(QLatin1String(system))), size);
        const QJsonObject json = changes[QLatin1String(side)].toObject();
        QCOMPARE(json[QStringLiteral("name")].toString(), QLatin1String(system));
        QCOMPARE(json[QStringLiteral("store_path")].toString(), path);
        QCOMPARE(json[QStringLiteral("generation")].toInt(), QLatin1String(system) == QLatin1String("booted") ? 1 : 2);
        QCOMPARE(json[QStringLiteral("path_count")].toInteger(), paths.size());
        QCOMPARE(json[QStringLiteral("size_bytes")].toInteger(), size.toLongLong());
    }
}

void TestRebootChanges::changesMatchNixDiffClosures()
{
    start();
    const std::optional<QMap<QString, QPair<QStringList, QStringList>>> theirs = m_store->diffClosures(m_booted, m_current);
    QVERIFY2(theirs, qPrintable(m_store->error()));
    const QJsonObject changes = status()[QStringLiteral("reboot_changes")].toObject();
    const QJsonObject packages = changes[QStringLiteral("packages")].toObject();
    // The same packages with the same versions on each side as Nix lists.
    QMap<QString, QPair<QStringList, QStringList>> ours;
    for (auto kind = packages.constBegin(); kind != packages.constEnd(); ++kind) {
        for (const QJsonValue &change : kind.value().toArray()) {
            QStringList before, after;
            for (const QJsonValue &version : change[QStringLiteral("before")].toArray())
                before.append(version.toString());
            for (const QJsonValue &version : change[QStringLiteral("after")].toArray())
                after.append(version.toString());
            ours.insert(change[QStringLiteral("name")].toString(), {before, after});
        }
    }
    QCOMPARE(ours, *theirs);
    // The kinds: added and removed as Nix's ∅ on one side says; of the version changes, one
    // goes down (NixStore::sample's pkg503 2.0 → 1.9), the rest up.
    const auto nixCount = [&](auto which) { return qsizetype(std::count_if(theirs->cbegin(), theirs->cend(), which)); };
    const qsizetype added = nixCount([](const auto &versions) { return versions.first.isEmpty(); });
    const qsizetype removed = nixCount([](const auto &versions) { return versions.second.isEmpty(); });
    QVERIFY(added > 1 && removed > 1);
    const qsizetype upgraded = theirs->size() - added - removed - 1;
    const QByteArray body = metrics();
    const QJsonObject counts = changes[QStringLiteral("counts")].toObject();
    for (const auto &[kind, count] : {std::pair{"upgraded", upgraded}, std::pair{"downgraded", qsizetype(1)},
                                      std::pair{"added", added}, std::pair{"removed", removed}}) {
        QCOMPARE(sampleValue(body, QStringLiteral("nixos_reboot_pending_changes{kind=\"%1\"}").arg(QLatin1String(kind))),
                 QString::number(count));
        QCOMPARE(counts[QLatin1String(kind)].toInteger(), count);
        QCOMPARE(packages[QLatin1String(kind)].toArray().size(), count);
    }
    QVERIFY(packages[QStringLiteral("upgraded")].toArray().contains(
        QJsonObject{{"name", "linux"}, {"before", QJsonArray{"6.6.58"}}, {"after", QJsonArray{"6.6.59"}}}));
    QVERIFY(packages[QStringLiteral("downgraded")].toArray().contains(
        QJsonObject{{"name", "pkg503"}, {"before", QJsonArray{"2.0"}}, {"after", QJsonArray{"1.9"}}}));
    QVERIFY(packages[QStringLiteral("removed")].toArray().contains(
        QJsonObject{{"name", "nano"}, {"before", QJsonArray{"8.2"}}, {"after", QJsonArray()}}));
}

void TestRebootChanges::readOncePerPairOfSystems()
{
    // The store figures are refreshed every second; what a reboot would change is not.
    start({QStringLiteral("--collector.store.refresh-interval=1s")});
    const QString upgrades = sampleValue(metrics(), QStringLiteral("nixos_reboot_pending_changes{kind=\"upgraded\"}"));
    QVERIFY(upgrades.toInt() > 10);
    const QJsonObject changes = status()[QStringLiteral("reboot_changes")].toObject();
    QVERIFY(!changes.isEmpty());

    // Without the database, later scans (a change in /run, the store refresh) keep the result:
    // the systems are the same, so are their closures.
    QVERIFY(QFile::rename(dbFile(), dbFile() + QStringLiteral(".away")));
    m_tree->writeFile(QStringLiteral("/run/rescan"), "now");
    QTRY_VERIFY_WITH_TIMEOUT(status()[QStringLiteral("store")][QStringLiteral("path_count")].isNull(), 10'000);
    QCOMPARE(status()[QStringLiteral("reboot_changes")].toObject(), changes);
    QCOMPARE(sampleValue(metrics(), QStringLiteral("nixos_reboot_pending_changes{kind=\"upgraded\"}")), upgrades);

    // Booted and current the same system, and no database to read it from: unknown, absent.
    m_tree->setBootedSystem(m_current);
    QTRY_VERIFY_WITH_TIMEOUT(status()[QStringLiteral("system")][QStringLiteral("reboot_required")] == QJsonValue(false), 10'000);
    QVERIFY(status()[QStringLiteral("reboot_changes")].isNull());
    const QByteArray unknown = metrics();
    for (const char *family : {"nixos_reboot_pending_changes", "nixos_system_closure_paths", "nixos_system_closure_size_bytes"})
        QVERIFY2(!unknown.contains(family), family);

    // The database back: the failed read is tried again (at the store refresh), and a reboot
    // into the same system changes nothing.
    QVERIFY(QFile::rename(dbFile() + QStringLiteral(".away"), dbFile()));
    QTRY_VERIFY_WITH_TIMEOUT(status()[QStringLiteral("reboot_changes")].isObject(), 10'000);
    const QJsonObject same = status()[QStringLiteral("reboot_changes")].toObject();
    QCOMPARE(same[QStringLiteral("from")][QStringLiteral("store_path")].toString(), m_current);
    QCOMPARE(same[QStringLiteral("from")][QStringLiteral("path_count")], same[QStringLiteral("to")][QStringLiteral("path_count")]);
    QCOMPARE(same[QStringLiteral("packages")].toObject(), PackageDiff().toJson());
    QCOMPARE(same[QStringLiteral("counts")].toObject(),
             (QJsonObject{{"upgraded", 0}, {"downgraded", 0}, {"added", 0}, {"removed", 0}}));
    const QByteArray body = metrics();
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_reboot_pending_changes{kind=\"upgraded\"}")), QStringLiteral("0"));
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_system_closure_paths{system=\"booted\"}")),
             sampleValue(body, QStringLiteral("nixos_system_closure_paths{system=\"current\"}")));
}

void TestRebootChanges::nothingWithoutTheStoreCollector()
{
    // The collector is off by default, and with it the database stays closed.
    QVERIFY2(m_exporter->start({QStringLiteral("--root"), m_tree->root()}), qPrintable(m_exporter->error()));
    QVERIFY(status()[QStringLiteral("reboot_changes")].isNull());
    const QByteArray body = metrics();
    QVERIFY(body.contains("nixos_current_generation 2\n"));
    for (const char *family : {"nixos_reboot_pending_changes", "nixos_system_closure_paths", "nixos_system_closure_size_bytes"})
        QVERIFY2(!body.contains(family), family);
}

void TestRebootChanges::cliReportCountsThem()
{
    // The local report with --store and the exporter's /status through --remote: one line.
    start();
    const QJsonObject counts = status()[QStringLiteral("reboot_changes")][QStringLiteral("counts")].toObject();
    qint64 total = 0;
    for (const QJsonValue &count : counts)
        total += count.toInteger();
    const QString expected = QStringLiteral("\n  pending   %1 packages (%2 upgraded, 1 downgraded, %3 added, %4 removed), listed by nixos-status diff\n")
                                 .arg(total)
                                 .arg(counts[QStringLiteral("upgraded")].toInteger())
                                 .arg(counts[QStringLiteral("added")].toInteger())
                                 .arg(counts[QStringLiteral("removed")].toInteger());
    const CliRun local = runCli({QStringLiteral("--root"), m_tree->root(), QStringLiteral("--store")});
    QVERIFY2(QString::fromUtf8(local.out).contains(expected), local.out.constData());
    const CliRun remote = runCli({QStringLiteral("--remote"), QStringLiteral("127.0.0.1:%1").arg(m_exporter->port())});
    QVERIFY2(QString::fromUtf8(remote.out).contains(expected), remote.out.constData());
    // Without --store the database is not read, and nothing is said.
    QVERIFY(!runCli({QStringLiteral("--root"), m_tree->root()}).out.contains("pending"));
}

void TestRebootChanges::promtoolAcceptsTheFamilies()
{
    QString promtool;
    NIXOS_REQUIRE_TOOL(promtool, "promtool", "prometheus", "prometheus.cli");
    start({QStringLiteral("--no-collector.generation"), QStringLiteral("--no-collector.boot")});
    const QByteArray body = metrics();
    QVERIFY(body.contains("nixos_reboot_pending_changes{"));
    const PromtoolLint lint = PromtoolLint::of(promtool, body);
    QVERIFY(lint.ran);
    QVERIFY2(lint.findings.isEmpty(), qPrintable(lint.findings.join(QLatin1Char('\n'))));
}

QTEST_GUILESS_MAIN(TestRebootChanges)
#include "tst_rebootchanges.moc"
