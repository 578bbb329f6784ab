// SPDX-License-Identifier: MIT
// nixos-status as scripts use it: the report (golden file), --json, exit codes, colour,
// and --remote against a running exporter.
#include "exporterprocess.h"
#include "cliprocess.h"
#include "goldenfixture.h"
#include "nixstoredb.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

namespace {
const QString GoldenReport = QStringLiteral(NIXOS_TEST_DATA "/golden/cli-report.txt");
// Five days after the golden fixture's generation 47 was built.
constexpr qint64 Now = GoldenFixture::Generation47Created + 5 * 86400;

CliRun run(const QStringList &arguments)
{
    return runCli(arguments);
}
} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void reportMatchesGoldenFile();
    void jsonIsTheStatusDocument();
    void healthyMachineExitsZero();
    void unreadableSystemExitsTwo();
    void storeFiguresWhenAsked();
    void badUsageExitsTwo_data();
    void badUsageExitsTwo();
    void colourOnlyWhenAsked();
    void commandsHaveTheirOwnHelp();
    void remoteReadsTheExporter();
    void remoteUnreachableExitsTwo();

private:
    std::unique_ptr<FixtureTree> m_tree;
};

void TestCli::init()
{
    m_tree = std::make_unique<FixtureTree>();
    GoldenFixture::build(*m_tree);
}

void TestCli::reportMatchesGoldenFile()
{
    const CliRun result = run({QStringLiteral("--root"), m_tree->root(), QStringLiteral("--now"), QString::number(Now)});
    QCOMPARE(result.exitCode, 1);  // reboot required, nixpkgs stale
    QVERIFY(result.err.isEmpty());
    if (qEnvironmentVariableIsSet("NIXOS_UPDATE_GOLDEN")) {
        QFile out(GoldenReport);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out.write(result.out);
        QSKIP("golden file rewritten");
    }
    QFile golden(GoldenReport);
    QVERIFY(golden.open(QIODevice::ReadOnly));
    const QList<QByteArray> expected = golden.readAll().split('\n');
    const QList<QByteArray> actual = result.out.split('\n');
    for (qsizetype i = 0; i < std::min(expected.size(), actual.size()); ++i)
        QCOMPARE(actual[i], expected[i]);
    QCOMPARE(actual.size(), expected.size());
}

void TestCli::jsonIsTheStatusDocument()
{
    const CliRun result = run({QStringLiteral("--root"), m_tree->root(), QStringLiteral("--json"),
                            QStringLiteral("--now"), QString::number(Now)});
    QCOMPARE(result.exitCode, 1);
    const QJsonObject status = QJsonDocument::fromJson(result.out).object();
    QCOMPARE(status[QStringLiteral("schema_version")].toInt(), 1);
    QCOMPARE(status[QStringLiteral("generated_at")].toInteger(), Now);
    QCOMPARE(status[QStringLiteral("system")][QStringLiteral("current_generation")].toInt(), 47);
    QCOMPARE(status[QStringLiteral("system")][QStringLiteral("reboot_required")].toBool(), true);
    QCOMPARE(status[QStringLiteral("flake")][QStringLiteral("lock_path")].toString(), QStringLiteral("/etc/nixos/flake.lock"));
    QCOMPARE(status[QStringLiteral("assessment")][QStringLiteral("level")].toString(), QStringLiteral("attention"));
}

void TestCli::healthyMachineExitsZero()
{
    FixtureTree tree;
    FixtureTree::SystemSpec spec;
    spec.name = QStringLiteral("fresh");
    const QString system = tree.addSystem(spec);  // label 24.11.20241201
    tree.addGeneration(1, system, 1'733'100'000);
    tree.setDefaultGeneration(1);
    tree.setCurrentSystem(system);
    tree.setBootedSystem(system);
    const CliRun result = run({QStringLiteral("--root"), tree.root(), QStringLiteral("--now"), QStringLiteral("1733200000")});
    QVERIFY2(result.exitCode == 0, result.out.constData());
    QVERIFY(result.out.startsWith("nixos-status: ok\n"));
    QVERIFY(result.out.contains("reboot    not required"));
    QVERIFY(!result.out.contains("Flake inputs"));  // no lock: a machine without flakes
}

void TestCli::unreadableSystemExitsTwo()
{
    QTemporaryDir empty;
    const CliRun result = run({QStringLiteral("--root"), empty.path()});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.out.startsWith("nixos-status: error\n"));
    QVERIFY2(result.out.contains("cannot read generation state: /run/current-system: "), result.out.constData());
    // What is not known says so, never 0 or nothing.
    for (const char *line : {"  running   unknown (running system unreadable)\n", "  booted    unknown\n",
                             "  default   unknown\n", "  reboot    unknown (no booted system)\n",
                             "  nixpkgs   unknown\n"})
        QVERIFY2(result.out.contains(line), line);
}

void TestCli::storeFiguresWhenAsked()
{
    const QString database = m_tree->hostPath(QStringLiteral("/nix/var/nix/db/db.sqlite"));
    QVERIFY(QDir().mkpath(QFileInfo(database).path()));
    const NixStoreDb::Result created = NixStoreDb::create(database, 3);
    QVERIFY2(created.error.isEmpty(), qPrintable(created.error));
    const QStringList base{QStringLiteral("--root"), m_tree->root(), QStringLiteral("--now"), QString::number(Now)};
    QVERIFY(!run(base).out.contains("  store "));  // only when asked: it reads a database
    const CliRun result = run(base + QStringList{QStringLiteral("--store")});
    static const QRegularExpression line(QStringLiteral(R"(^  store     [0-9.]+ (B|KiB|MiB|GiB) in 3 paths$)"),
                                         QRegularExpression::MultilineOption);
    QVERIFY2(line.match(QString::fromUtf8(result.out)).hasMatch(), result.out.constData());
    const CliRun json = run(base + QStringList{QStringLiteral("--store"), QStringLiteral("--json")});
    const QJsonObject store = QJsonDocument::fromJson(json.out)[QStringLiteral("store")].toObject();
    QCOMPARE(store[QStringLiteral("path_count")].toInteger(), 3);
    QCOMPARE(store[QStringLiteral("size_bytes")].toInteger(), created.sizeBytes);
}

void TestCli::badUsageExitsTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown flag") << QStringList{"--frobnicate"} << "nixos-status: Unknown option 'frobnicate'.";
    QTest::newRow("bad colour") << QStringList{"--color=purple"} << "nixos-status: --color must be auto, always or never";
    QTest::newRow("bad now") << QStringList{"--now=yesterday"} << "nixos-status: --now must be a number of seconds";
    QTest::newRow("missing root") << QStringList{"--root", "/does/not/exist"} << "nixos-status: --root /does/not/exist: no such directory";
    QTest::newRow("positional") << QStringList{"extra"} << "nixos-status: unexpected argument \"extra\"";
    QTest::newRow("generations, positional") << QStringList{"generations", "extra"}
                                             << "nixos-status: unexpected argument \"extra\"";
    QTest::newRow("diff, three sides") << QStringList{"diff", "1", "2", "3"} << "nixos-status: unexpected argument \"3\"";
    QTest::newRow("diff, bad colour") << QStringList{"diff", "--color=purple"}
                                      << "nixos-status: --color must be auto, always or never";
    QTest::newRow("diff, missing root") << QStringList{"diff", "--root", "/does/not/exist"}
                                        << "nixos-status: --root /does/not/exist: no such directory";
    QTest::newRow("diff, report flag") << QStringList{"diff", "--remote", "host"} << "nixos-status: Unknown option 'remote'.";
}

void TestCli::badUsageExitsTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const CliRun result = run(arguments);
    QCOMPARE(result.exitCode, 2);
    QCOMPARE(QString::fromUtf8(result.err).trimmed(), message);
}

void TestCli::colourOnlyWhenAsked()
{
    const QStringList base{QStringLiteral("--root"), m_tree->root()};
    QVERIFY(run(base + QStringList{"--color=always"}).out.contains("\x1b[33mattention\x1b[0m"));
    QVERIFY(!run(base + QStringList{"--color=never"}).out.contains('\x1b'));
    QVERIFY(!run(base).out.contains('\x1b'));  // auto, and stdout is a pipe here
}

void TestCli::commandsHaveTheirOwnHelp()
{
    const CliRun diff = run({QStringLiteral("diff"), QStringLiteral("--help")});
    QCOMPARE(diff.exitCode, 0);
    QVERIFY2(diff.out.startsWith("Usage: nixos-status diff [options] [FROM [TO]]\n"), diff.out.constData());
    QVERIFY(diff.out.contains("--json") && !diff.out.contains("--remote"));
    const CliRun generations = run({QStringLiteral("generations"), QStringLiteral("--help")});
    QVERIFY2(generations.out.startsWith("Usage: nixos-status generations [options]\n"), generations.out.constData());
    // The report's help names both.
    QVERIFY(run({QStringLiteral("--help")}).out.contains("nixos-status diff [FROM [TO]]"));
}

void TestCli::remoteReadsTheExporter()
{
    ExporterProcess exporter;
    QVERIFY2(exporter.start({QStringLiteral("--root"), m_tree->root(), QStringLiteral("--collector.flake")}),
             qPrintable(exporter.error()));
    const QString address = QStringLiteral("127.0.0.1:%1").arg(exporter.port());
    const CliRun result = run({QStringLiteral("--remote"), address});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.out.startsWith("nixos-status: attention\n"), result.out.constData());
    QVERIFY(result.out.contains("running   generation 47"));
    QVERIFY(result.out.contains("booted    generation 46"));
    QVERIFY(result.out.contains("nixpkgs                 "));
    // The same document, whichever way it came.
    const CliRun json = run({QStringLiteral("--remote"), QStringLiteral("http://%1/status").arg(address), QStringLiteral("--json")});
    QCOMPARE(QJsonDocument::fromJson(json.out)[QStringLiteral("system")][QStringLiteral("booted_generation")].toInt(), 46);
}

void TestCli::remoteUnreachableExitsTwo()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();  // nothing listens there now
    const CliRun result = run({QStringLiteral("--remote"), QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--timeout=5")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.startsWith("nixos-status: http://127.0.0.1:"), result.err.constData());
    QVERIFY(result.out.isEmpty());
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
