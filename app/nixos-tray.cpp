// SPDX-License-Identifier: MIT
// nixos-tray: shows this NixOS machine's state in the panel and notifies when it needs care.
#include "buildinfo.h"
#include "trayapplication.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("nixos-status"));
    QApplication::setApplicationName(QStringLiteral("nixos-tray"));
    QApplication::setApplicationDisplayName(QStringLiteral("NixOS Status"));
    QApplication::setApplicationVersion(QLatin1String(BuildInfo::Version));
    QApplication::setDesktopFileName(QStringLiteral("nixos-tray"));
    // The tray lives on with every window closed.
    QApplication::setQuitOnLastWindowClosed(false);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Tray icon for NixOS: reboot required, stale generation or nixpkgs, with notifications."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption root(QStringLiteral("root"),
                                  QStringLiteral("Read the system below this directory instead of / (a demo tree)."),
                                  QStringLiteral("dir"), QStringLiteral("/"));
    parser.addOption(root);
    parser.process(app);
    if (!parser.positionalArguments().isEmpty())
        parser.showHelp(2);
    if (!QDir(parser.value(root)).exists()) {
        QTextStream(stderr) << "nixos-tray: --root " << parser.value(root) << ": no such directory\n";
        return 2;
    }

    QSettings settings;
    TrayApplication::Options options;
    options.root = parser.value(root);
    TrayApplication tray(options, settings);
    tray.start();
    return app.exec();
}
