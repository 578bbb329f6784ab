// SPDX-License-Identifier: MIT
// nixos-tray: shows this NixOS machine's state in the panel and notifies when it needs care.
#include "buildinfo.h"
#include "singleinstance.h"
#include "trayapplication.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QTextStream>

namespace {
const QString Program = QStringLiteral("nixos-tray");

// Options QGuiApplication and QApplication take themselves (their documentation's lists):
// the command line is parsed before the application exists, so that --help and --version need
// no display, and must not refuse what a session manager or a user may pass to any Qt program.
void addQtOptions(QCommandLineParser &parser)
{
    const QStringList withValue{QStringLiteral("platform"), QStringLiteral("platformpluginpath"),
                                QStringLiteral("platformtheme"), QStringLiteral("plugin"),
                                QStringLiteral("qmljsdebugger"), QStringLiteral("qwindowgeometry"),
                                QStringLiteral("qwindowicon"), QStringLiteral("qwindowtitle"),
                                QStringLiteral("session"), QStringLiteral("display"),
                                QStringLiteral("geometry"), QStringLiteral("style"), QStringLiteral("stylesheet")};
    const QStringList flags{QStringLiteral("reverse"), QStringLiteral("widgetcount"), QStringLiteral("nograb"),
                            QStringLiteral("dograb"), QStringLiteral("sync")};
    for (const QString &name : withValue) {
        QCommandLineOption option(name, QString(), QStringLiteral("value"));
        option.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(option);
    }
    for (const QString &name : flags) {
        QCommandLineOption option(name);
        option.setFlags(QCommandLineOption::HiddenFromHelp);
        parser.addOption(option);
    }
}

int usageError(const QString &message)
{
    QTextStream(stderr) << Program << ": " << message << "\nTry '" << Program << " --help'.\n";
    return 2;
}
} // namespace

int main(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Tray icon for NixOS: reboot required, stale generation or nixpkgs, with notifications.\n"
        "A second start shows the running tray's details window."));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption root(QStringLiteral("root"),
                                  QStringLiteral("Read the system below this directory instead of / (a demo tree)."),
                                  QStringLiteral("dir"), QStringLiteral("/"));
    parser.addOption(root);
    addQtOptions(parser);
    const bool parsed = parser.parse(arguments);
    // addHelpOption() also adds --help-all, which parse() leaves for us to handle.
    if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all"))) {
        // Without a QCoreApplication the usage line says <executable_name>.
        QTextStream(stdout) << parser.helpText().replace(QLatin1String("<executable_name>"), Program);
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << Program << ' ' << BuildInfo::Version << " (revision " << BuildInfo::Revision
                            << ", Qt " << qVersion() << ")\n";
        return 0;
    }
    if (!parsed)
        return usageError(parser.errorText());
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first()));
    if (!QDir(parser.value(root)).exists()) {
        QTextStream(stderr) << Program << ": --root " << parser.value(root) << ": no such directory\n";
        return 2;
    }

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("nixos-status"));
    QApplication::setApplicationName(Program);
    QApplication::setApplicationDisplayName(TrayIcon::ProductName);
    QApplication::setApplicationVersion(QLatin1String(BuildInfo::Version));
    QApplication::setDesktopFileName(Program);
    // The tray lives on with every window closed.
    QApplication::setQuitOnLastWindowClosed(false);

    SingleInstance instance(QDBusConnection::sessionBus());
    if (instance.claim() == SingleInstance::Claim::HeldByOther) {
        QString error;
        if (instance.showOther(&error))
            return 0;
        QTextStream(stderr) << Program << ": another nixos-tray holds " << SingleInstance::Service
                            << " but did not answer: " << error << '\n';
        return 1;
    }
    // Without a session bus (Claim::NoBus) there is no single instance, as there are no
    // notifications: the tray still runs, in an XEmbed tray if there is one.

    QSettings settings;
    TrayApplication::Options options;
    options.root = parser.value(root);
    TrayApplication tray(options, settings);
    QObject::connect(&instance, &SingleInstance::showRequested, &tray, &TrayApplication::showDetails);
    tray.start();
    return app.exec();
}
