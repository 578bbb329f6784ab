// SPDX-License-Identifier: MIT
// The nixos-tray binary as it is started: --help and --version without a display, bad flags
// in the exporter's words and exit code, one tray per session (a second start shows the
// first one's window and exits 0), and one warning when Qt's SVG plugins are missing.
#include "buildinfo.h"
#include "goldenfixture.h"
#include "requiredtool.h"
#include "singleinstance.h"

#include <QDBusConnectionInterface>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QLibraryInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {
const QString TrayBinary = QStringLiteral(NIXOS_TRAY_BINARY);
const QByteArray SvgWarning = "Qt's SVG plugins are missing";

struct Run
{
    int exitCode = -1;  // -1: it crashed or did not finish within the time
    QByteArray out;
    QByteArray err;
};

// The environment of a user's session without any display: no X, no Wayland, no platform
// chosen, so that only a program that needs no display at all gets through.
QProcessEnvironment withoutDisplay()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        environment.remove(QLatin1String(name));
    return environment;
}

Run run(const QString &program, const QStringList &arguments, const QProcessEnvironment &environment)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    Run result;
    if (!process.waitForFinished(30'000)) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

// A tray that runs until the test ends it, with its settings in a directory of its own.
class TrayProcess
{
public:
    TrayProcess(const QString &program, const QString &root, const QString &configHome,
                QProcessEnvironment environment = QProcessEnvironment::systemEnvironment())
        : m_root(root)
    {
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome);
        environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_runtime.path());
        m_process.setProcessEnvironment(environment);
        m_process.start(program, {QStringLiteral("--root"), root});
    }
    TrayProcess(const TrayProcess &) = delete;
    TrayProcess &operator=(const TrayProcess &) = delete;
    ~TrayProcess() { stop(); }

    // Ends it; returns all it wrote to stderr.
    QByteArray stop()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000))
                m_process.kill();
            m_process.waitForFinished();
        }
        return m_process.readAllStandardError();
    }
    QProcess &process() { return m_process; }
    // True once it holds the session's tray name: it has parsed its flags and is starting.
    bool waitUntilItHoldsTheName()
    {
        QDBusConnectionInterface *bus = QDBusConnection::sessionBus().interface();
        const QDeadlineTimer deadline(30'000);
        while (!deadline.hasExpired() && m_process.state() != QProcess::NotRunning) {
            if (bus->servicePid(SingleInstance::Service).value() == uint(m_process.processId()))
                return true;
            QTest::qWait(20);
        }
        return false;
    }
    // Starts the tray again, as a user would, and waits for it to finish: once it has, this
    // tray has answered its Show, so its start is over and its window shown.
    Run startAgain(const QString &program)
    {
        return run(program, {QStringLiteral("--root"), m_root}, m_process.processEnvironment());
    }

private:
    QString m_root;
    QTemporaryDir m_runtime;  // XDG_RUNTIME_DIR: Qt warns without one
    QProcess m_process;
};

// The X windows of class nixos-tray that are mapped and viewable (xwininfo, on the test's
// display): Qt also keeps unmapped helper windows of that class.
QStringList viewableTrayWindows(const QString &xwininfo)
{
    QProcess list;
    list.start(xwininfo, {QStringLiteral("-root"), QStringLiteral("-children")});
    list.waitForFinished(10'000);
    static const QRegularExpression window(QStringLiteral(R"(^\s*(0x[0-9a-f]+) .*\("nixos-tray" "nixos-tray"\))"),
                                           QRegularExpression::MultilineOption);
    QStringList viewable;
    for (auto match = window.globalMatch(QString::fromUtf8(list.readAllStandardOutput())); match.hasNext();) {
        const QString id = match.next().captured(1);
        QProcess info;
        info.start(xwininfo, {QStringLiteral("-id"), id});
        info.waitForFinished(10'000);
        if (info.readAllStandardOutput().contains("Map State: IsViewable"))
            viewable.append(id);
    }
    return viewable;
}
} // namespace

class TestTrayProcess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void helpAndVersionNeedNoDisplay_data();
    void helpAndVersionNeedNoDisplay();
    void badUsageExitsTwoLikeTheExporter_data();
    void badUsageExitsTwoLikeTheExporter();
    void secondStartShowsTheFirstWindow();
    void missingSvgPluginIsReportedOnce();
};

void TestTrayProcess::helpAndVersionNeedNoDisplay_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("expected");
    const QString help = QStringLiteral("Usage: nixos-tray [options]\n");
    const QString version = QStringLiteral("nixos-tray %1 (revision ").arg(QLatin1String(BuildInfo::Version));
    QTest::newRow("--help") << QStringList{QStringLiteral("--help")} << help;
    QTest::newRow("-h") << QStringList{QStringLiteral("-h")} << help;
    QTest::newRow("--help-all") << QStringList{QStringLiteral("--help-all")} << help;
    QTest::newRow("--version") << QStringList{QStringLiteral("--version")} << version;
    QTest::newRow("-v") << QStringList{QStringLiteral("-v")} << version;
    // Qt's own options pass, as they would to any Qt program.
    QTest::newRow("-style fusion --help") << QStringList{QStringLiteral("-style"), QStringLiteral("fusion"),
                                                         QStringLiteral("--help")}
                                          << help;
}

void TestTrayProcess::helpAndVersionNeedNoDisplay()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, expected);
    const Run result = run(TrayBinary, arguments, withoutDisplay());
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QVERIFY2(result.out.startsWith(expected.toUtf8()), result.out.constData());
    QCOMPARE(result.err, QByteArray());
    if (expected.startsWith(QLatin1String("Usage"))) {
        QVERIFY(result.out.contains("--root <dir>"));
        QVERIFY(!result.out.contains("platform"));  // Qt's options are Qt's to document
    }
}

void TestTrayProcess::badUsageExitsTwoLikeTheExporter_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("error");
    QTest::newRow("unknown flag") << QStringList{QStringLiteral("--no-such-flag")}
                                  << QByteArray("Unknown option 'no-such-flag'.");
    QTest::newRow("missing value") << QStringList{QStringLiteral("--root")}
                                   << QByteArray("Missing value after '--root'.");
    QTest::newRow("argument") << QStringList{QStringLiteral("extra")} << QByteArray("unexpected argument \"extra\"");
}

void TestTrayProcess::badUsageExitsTwoLikeTheExporter()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, error);
    const Run tray = run(TrayBinary, arguments, withoutDisplay());
    QCOMPARE(tray.exitCode, 2);
    QCOMPARE(tray.out, QByteArray());
    QCOMPARE(tray.err, "nixos-tray: " + error + "\nTry 'nixos-tray --help'.\n");
    // The exporter says the same about the same mistake, in the same two lines.
    const Run exporter = run(QStringLiteral(NIXOS_EXPORTER_BINARY), arguments, withoutDisplay());
    QCOMPARE(exporter.exitCode, 2);
    QCOMPARE(QString::fromUtf8(exporter.err).replace(QLatin1String("nixos-exporter"), QLatin1String("nixos-tray")),
             QString::fromUtf8(tray.err));

    const Run missingRoot = run(TrayBinary, {QStringLiteral("--root"), QStringLiteral("/nonexistent/nixos-root")},
                                withoutDisplay());
    QCOMPARE(missingRoot.exitCode, 2);
    QCOMPARE(missingRoot.err, QByteArray("nixos-tray: --root /nonexistent/nixos-root: no such directory\n"));
}

void TestTrayProcess::secondStartShowsTheFirstWindow()
{
    QVERIFY2(QDBusConnection::sessionBus().isConnected(), "run under dbus-run-session (ctest does)");
    QVERIFY2(qEnvironmentVariableIsSet("DISPLAY"), "run under xvfb-run (ctest does)");
    QString xwininfo;
    NIXOS_REQUIRE_TOOL(xwininfo, "xwininfo", "x11-utils", "xorg.xwininfo");
    FixtureTree tree;
    GoldenFixture::build(tree, QDateTime::currentSecsSinceEpoch() - 3600);
    QTemporaryDir config;

    TrayProcess first(TrayBinary, tree.root(), config.path());
    QVERIFY(first.waitUntilItHoldsTheName());
    QVERIFY(viewableTrayWindows(xwininfo).isEmpty());  // an icon, no window yet

    const Run second = first.startAgain(TrayBinary);
    QVERIFY2(second.exitCode == 0, second.err.constData());
    QCOMPARE(second.err, QByteArray());
    QTRY_COMPARE_WITH_TIMEOUT(viewableTrayWindows(xwininfo).size(), 1, 15'000);
    QCOMPARE(first.process().state(), QProcess::Running);
    QCOMPARE(QDBusConnection::sessionBus().interface()->servicePid(SingleInstance::Service).value(),
             uint(first.process().processId()));
}

void TestTrayProcess::missingSvgPluginIsReportedOnce()
{
    FixtureTree tree;
    GoldenFixture::build(tree, QDateTime::currentSecsSinceEpoch() - 3600);
    QTemporaryDir config;
    // A copy of the binary next to a qt.conf whose plugins are the platform plugins only, as
    // on a system with qtbase and without qtsvg. QT_PLUGIN_PATH would add the others back.
    QTemporaryDir install;
    const QString binary = install.filePath(QStringLiteral("bin/nixos-tray"));
    QVERIFY(QDir(install.path()).mkpath(QStringLiteral("bin")));
    QVERIFY(QDir(install.path()).mkpath(QStringLiteral("plugins")));
    QVERIFY(QFile::copy(TrayBinary, binary));
    const QString platforms = QLibraryInfo::path(QLibraryInfo::PluginsPath) + QStringLiteral("/platforms");
    QVERIFY2(QFileInfo(platforms).isDir(), qPrintable(platforms));
    QVERIFY(QFile::link(platforms, install.filePath(QStringLiteral("plugins/platforms"))));
    QFile qtConf(install.filePath(QStringLiteral("bin/qt.conf")));
    QVERIFY(qtConf.open(QIODevice::WriteOnly));
    qtConf.write("[Paths]\nPlugins = " + install.filePath(QStringLiteral("plugins")).toUtf8() + '\n');
    qtConf.close();

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    QProcessEnvironment onlyQtConf = environment;
    onlyQtConf.remove(QStringLiteral("QT_PLUGIN_PATH"));
    const auto warnings = [](const QByteArray &errors) {
        const QList<QByteArray> lines = errors.split('\n');
        QList<QByteArray> found;
        std::copy_if(lines.begin(), lines.end(), std::back_inserter(found),
                     [](const QByteArray &line) { return line.contains(SvgWarning); });
        return found;
    };
    {
        TrayProcess withoutSvg(binary, tree.root(), config.path(), onlyQtConf);
        QVERIFY(withoutSvg.waitUntilItHoldsTheName());
        // When the second start returns, the first has drawn its icon and shown its window.
        QCOMPARE(withoutSvg.startAgain(binary).exitCode, 0);
        const QList<QByteArray> found = warnings(withoutSvg.stop());
        QCOMPARE(found.size(), 1);
        QVERIFY2(found.first().contains("qt6.qtsvg") && found.first().contains("libqt6svg6"), found.first().constData());
    }
    // The real one, with the plugins as the build finds them (nixpkgs: QT_PLUGIN_PATH).
    TrayProcess withSvg(TrayBinary, tree.root(), config.path(), environment);
    QVERIFY(withSvg.waitUntilItHoldsTheName());
    QCOMPARE(withSvg.startAgain(TrayBinary).exitCode, 0);
    const QByteArray errors = withSvg.stop();
    QVERIFY2(warnings(errors).isEmpty(), errors.constData());
}

QTEST_GUILESS_MAIN(TestTrayProcess)
#include "tst_trayprocess.moc"
