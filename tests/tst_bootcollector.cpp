// SPDX-License-Identifier: MIT
// The boot collector through the real nixos-exporter: a systemd-boot /boot tree's figures in
// /metrics and /status, the boot-full finding, an ESP the exporter's user may not list (the
// exporter runs as nobody), the collector switched off, and promtool on its families.
#include "bootfixture.h"
#include "cliprocess.h"
#include "exporterprocess.h"
#include "promtool.h"
#include "requiredtool.h"
#include "samplevalue.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QProcessEnvironment>
#include <QTest>

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace {
constexpr qint64 MiB = 1024 * 1024;

qint64 sizeOfFileSystem(const QString &hostPath)
{
    struct statvfs space;
    return ::statvfs(QFile::encodeName(hostPath).constData(), &space) == 0 ? qint64(space.f_blocks) * qint64(space.f_frsize) : -1;
}
} // namespace

class TestBootCollector : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void systemdBootInMetricsAndStatus();
    void fullBootIsAFinding();
    void cliSaysHowFullBootIs();
    void unlistableEspAsAnUnprivilegedUser();
    void switchedOff();
    void promtoolAcceptsTheFamilies();

private:
    QByteArray metrics() { return m_exporter->get(QStringLiteral("/metrics")).body; }
    QJsonObject status() { return QJsonDocument::fromJson(m_exporter->get(QStringLiteral("/status")).body).object(); }
    void start(const QStringList &extra = {})
    {
        QVERIFY2(m_exporter->start(QStringList{QStringLiteral("--root"), m_tree->root()} + extra), qPrintable(m_exporter->error()));
    }
    FixtureTree *m_tree = nullptr;
    BootFixture *m_boot = nullptr;
    ExporterProcess *m_exporter = nullptr;
    QString m_old;
    QString m_current;
};

void TestBootCollector::init()
{
    // Generations 1 and 2 on kernel 6.6.1, the running 3 on 6.6.9, each with its entry.
    m_tree = new FixtureTree;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    m_old = m_tree->addSystem({QStringLiteral("old"), QStringLiteral("24.11.20241201.abcdef0"), QStringLiteral("6.6.1")});
    m_current = m_tree->addSystem({QStringLiteral("new"), QStringLiteral("24.11.20241215.1234567"), QStringLiteral("6.6.9")});
    m_tree->addGeneration(1, m_old, now - 7200);
    m_tree->addGeneration(2, m_old, now - 3600);
    m_tree->addGeneration(3, m_current, now - 60);
    m_tree->setDefaultGeneration(3);
    m_tree->setCurrentSystem(m_current);
    m_tree->setBootedSystem(m_current);
    m_boot = new BootFixture(*m_tree);
    m_boot->setPairSize(m_old, 12 * MiB, 30 * MiB);
    m_boot->setPairSize(m_current, 14 * MiB, 40 * MiB);
    for (int generation : {1, 2})
        m_boot->addSystemdBootEntry(generation, m_old);
    m_boot->addSystemdBootEntry(3, m_current);
    m_exporter = new ExporterProcess;
}

void TestBootCollector::cleanup()
{
    delete m_exporter;
    delete m_boot;
    delete m_tree;
}

void TestBootCollector::systemdBootInMetricsAndStatus()
{
    start();  // on by default
    const QByteArray body = metrics();
    const qint64 entry = QFileInfo(m_tree->hostPath(QStringLiteral("/boot/loader/entries/nixos-generation-3.conf"))).size();
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_boot_entries")), QStringLiteral("3"));
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_exporter_collector_success{collector=\"boot\"}")), QStringLiteral("1"));
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_boot_generation_bytes")).toDouble(), double(54 * MiB + entry));
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_boot_size_bytes")).toDouble(),
             double(sizeOfFileSystem(m_tree->hostPath(QStringLiteral("/boot")))));
    QVERIFY(sampleValue(body, QStringLiteral("nixos_boot_free_bytes")).toDouble() > 0);
    QVERIFY(sampleValue(body, QStringLiteral("nixos_boot_entry_bytes")).toDouble() > 96 * MiB);

    const QJsonObject boot = status()[QStringLiteral("boot")].toObject();
    QCOMPARE(boot[QStringLiteral("path")].toString(), QStringLiteral("/boot"));
    QCOMPARE(boot[QStringLiteral("loader")].toString(), QStringLiteral("systemd-boot"));
    QCOMPARE(boot[QStringLiteral("entries")].toInteger(), 3);
    QVERIFY(boot[QStringLiteral("entries_unknown_reason")].isNull());
    QVERIFY(boot[QStringLiteral("room_for_generations")].toInteger() >= 2);
}

void TestBootCollector::fullBootIsAFinding()
{
    // The running system's new kernel is not on /boot yet and would not fit: a sparse 1 TiB
    // kernel in the store is more than any test machine's free space.
    m_boot->setPairSize(m_current, 1024 * 1024 * MiB, 40 * MiB);
    QFile::remove(m_tree->hostPath(QStringLiteral("/boot/loader/entries/nixos-generation-3.conf")));
    start();
    QCOMPARE(sampleValue(metrics(), QStringLiteral("nixos_boot_generation_bytes")).toDouble(), double((1024 * 1024 + 40) * MiB));
    const QJsonObject json = status();
    QCOMPARE(json[QStringLiteral("boot")][QStringLiteral("room_for_generations")].toInteger(), 0);
    QJsonObject finding;
    for (const QJsonValue &value : json[QStringLiteral("assessment")][QStringLiteral("findings")].toArray()) {
        if (value[QStringLiteral("code")].toString() == QLatin1String("boot-full"))
            finding = value.toObject();
    }
    QVERIFY2(finding[QStringLiteral("message")].toString().startsWith(QLatin1String("/boot: ")), "no boot-full finding");
    QVERIFY2(finding[QStringLiteral("message")].toString().endsWith(QLatin1String(" free, no room for another kernel")),
             qPrintable(finding[QStringLiteral("message")].toString()));
    QCOMPARE(json[QStringLiteral("assessment")][QStringLiteral("level")].toString(), QStringLiteral("attention"));
}

void TestBootCollector::cliSaysHowFullBootIs()
{
    // nixos-status reads /boot too: the line in its report, and exit code 1 once it is full.
    const QRegularExpression line(QStringLiteral(R"(^  boot      /boot: [0-9.]+ (B|KiB|MiB|GiB|TiB) free, room for [0-9]+ more kernels$)"),
                                  QRegularExpression::MultilineOption);
    const CliRun roomy = runCli({QStringLiteral("--root"), m_tree->root(), QStringLiteral("--color=never")});
    QVERIFY2(line.match(QString::fromUtf8(roomy.out)).hasMatch(), roomy.out.constData());
    QVERIFY(!roomy.out.contains("boot-full") && !roomy.out.contains("no room"));

    m_boot->setPairSize(m_current, 1024 * 1024 * MiB, 40 * MiB);
    QFile::remove(m_tree->hostPath(QStringLiteral("/boot/loader/entries/nixos-generation-3.conf")));
    const CliRun full = runCli({QStringLiteral("--root"), m_tree->root(), QStringLiteral("--color=never")});
    QCOMPARE(full.exitCode, 1);
    // A finding at the top and the boot line below, as the report says nixpkgs' age.
    QCOMPARE(full.out.count("free, no room for another kernel"), 2);
    QVERIFY2(full.out.contains("  • /boot: "), full.out.constData());
    QVERIFY2(full.out.contains("\n  boot      /boot: "), full.out.constData());
}

void TestBootCollector::unlistableEspAsAnUnprivilegedUser()
{
    // The ESP as NixOS mounts it (dmask=0077): root's alone. Root would read it anyway, so
    // the exporter runs as nobody, as its DynamicUser would; the tree stays searchable above.
    if (::geteuid() != 0)
        QSKIP("needs root to start the exporter as nobody (mode 0 /boot is tested in tst_bootstate)");
    QVERIFY(::chmod(QFile::encodeName(m_tree->root()).constData(), 0755) == 0);
    QVERIFY(::chmod(QFile::encodeName(m_tree->hostPath(QStringLiteral("/boot"))).constData(), 0700) == 0);
    // libfaketime (CI runs the suite with the clock moved) keeps its state in root's POSIX
    // semaphores, which nobody cannot open: it would stop the exporter. /boot's figures do not
    // depend on the clock, so this exporter runs on the real one.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (environment.value(QStringLiteral("LD_PRELOAD")).contains(QLatin1String("faketime")))
        environment.remove(QStringLiteral("LD_PRELOAD"));
    m_exporter->process().setProcessEnvironment(environment);
    m_exporter->process().setChildProcessModifier([] {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0)
            ::_exit(126);
    });
    start();
    const QByteArray body = metrics();
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_exporter_collector_success{collector=\"boot\"}")), QStringLiteral("1"));
    QVERIFY(!body.contains("nixos_boot_entries "));
    QVERIFY(!body.contains("nixos_boot_entry_bytes "));
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_boot_size_bytes")).toDouble(),
             double(sizeOfFileSystem(m_tree->hostPath(QStringLiteral("/boot")))));
    QVERIFY(!sampleValue(body, QStringLiteral("nixos_boot_free_bytes")).isEmpty());
    // Without the entries, the running system's pair.
    QCOMPARE(sampleValue(body, QStringLiteral("nixos_boot_generation_bytes")).toDouble(), double(54 * MiB));
    const QJsonObject boot = status()[QStringLiteral("boot")].toObject();
    QVERIFY(boot[QStringLiteral("entries")].isNull());
    QVERIFY(boot[QStringLiteral("loader")].isNull());
    QVERIFY2(boot[QStringLiteral("entries_unknown_reason")].toString().startsWith(QLatin1String("/boot: Permission denied")),
             qPrintable(boot[QStringLiteral("entries_unknown_reason")].toString()));
}

void TestBootCollector::switchedOff()
{
    start({QStringLiteral("--no-collector.boot")});
    const QByteArray body = metrics();
    QVERIFY(!body.contains("nixos_boot_"));
    QVERIFY(!body.contains("collector=\"boot\""));
    QVERIFY(status()[QStringLiteral("boot")].isNull());
}

void TestBootCollector::promtoolAcceptsTheFamilies()
{
    QString promtool;
    NIXOS_REQUIRE_TOOL(promtool, "promtool", "prometheus", "prometheus.cli");
    start({QStringLiteral("--no-collector.generation")});
    const QByteArray body = metrics();
    QVERIFY(body.contains("nixos_boot_entries "));
    const PromtoolLint lint = PromtoolLint::of(promtool, body);
    QVERIFY(lint.ran);
    QVERIFY2(lint.findings.isEmpty(), qPrintable(lint.findings.join(QLatin1Char('\n'))));
    QCOMPARE(lint.exitCode, 0);
}

QTEST_GUILESS_MAIN(TestBootCollector)
#include "tst_bootcollector.moc"
