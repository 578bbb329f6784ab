// SPDX-License-Identifier: MIT
// nixos-exporter: serves the state of this NixOS system to Prometheus.
#include "buildinfo.h"
#include "collector.h"
#include "collectorlog.h"
#include "commandline.h"
#include "exporterserver.h"
#include "logformat.h"
#include "maintenancereader.h"
#include "statusmonitor.h"
#include "systemdsocket.h"
#include "upgradechecker.h"
#include "webconfigwatcher.h"

#include <QCoreApplication>
#include <QDir>
#include <QTextStream>

#include <cstdio>

#include <sys/resource.h>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("nixos-exporter"));
    QCoreApplication::setApplicationVersion(QLatin1String(BuildInfo::Version));

    CommandLine commandLine;
    QTextStream out(stdout);
    QTextStream err(stderr);
    switch (commandLine.parse(QCoreApplication::arguments())) {
    case CommandLine::Outcome::ShowHelp:
        out << commandLine.helpText();
        return 0;
    case CommandLine::Outcome::ShowVersion:
        out << "nixos-exporter " << BuildInfo::Version << " (revision " << BuildInfo::Revision
            << ", Qt " << qVersion() << ")\n";
        return 0;
    case CommandLine::Outcome::Error:
        err << "nixos-exporter: " << commandLine.error() << "\nTry 'nixos-exporter --help'.\n";
        return 2;
    case CommandLine::Outcome::Run:
        break;
    }

    const ExporterConfig &config = commandLine.config();
    LogFormat::install(config.logFormat, config.logLevel);
    if (!QDir(config.root).exists()) {
        err << "nixos-exporter: --root " << config.root << ": no such directory\n";
        return 2;
    }

    QList<const Collector *> collectors;
    for (const Collector &collector : Collectors::all()) {
        if (config.collectors.value(collector.name))
            collectors.append(&collector);
    }

    StatusMonitor::Settings settings;
    settings.read.flake = config.collectors.value(QStringLiteral("flake"));
    settings.read.lockPath = config.lockPath;
    settings.read.supportedReleases = config.supportedReleases;
    settings.read.store = config.collectors.value(QStringLiteral("store"));
    // The store collector also says what a reboot would change: the same database, opened
    // only when the collector is on.
    settings.read.rebootChanges = settings.read.store;
    settings.read.boot = config.collectors.value(QStringLiteral("boot"));
    settings.storeRefreshMs = int(std::min<qint64>(config.storeRefreshMs, 24 * 86'400'000LL));
    StatusMonitor monitor(SystemLayout(config.root), settings);
    monitor.start();
    // The network check feeds the monitor; scrapes only render what it has.
    std::unique_ptr<UpgradeChecker> upgrade;
    if (config.collectors.value(QStringLiteral("upgrade"))) {
        upgrade = std::make_unique<UpgradeChecker>(monitor, config.upgrade);
        upgrade->start();
    }
    // systemd's answers about the maintenance units, on its signals.
    std::unique_ptr<MaintenanceReader> maintenance;
    if (config.collectors.value(QStringLiteral("maintenance"))) {
        maintenance = std::make_unique<MaintenanceReader>(monitor);
        maintenance->start();
    }

    // Like Go programs since 1.19: the soft limit on open files up to the hard one, so that many
    // connections do not run the exporter out of descriptors (systemd's soft default is 1024).
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }

    ExporterServer server(monitor, collectors);
    server.setCollectorOptions(config.collectorOptions);
    server.setTelemetry(config.telemetryPath, config.exporterMetrics);
    QString error;
    if (commandLine.webConfig() && !server.setWebConfig(*commandLine.webConfig(), &error)) {
        err << "nixos-exporter: " << error << '\n';
        return 1;
    }
    // Certificate rotation and user changes without a restart.
    std::unique_ptr<WebConfigWatcher> webConfigWatcher;
    if (commandLine.webConfig()) {
        webConfigWatcher = std::make_unique<WebConfigWatcher>(
            commandLine.webConfigFile(), *commandLine.webConfig(),
            [&server](const WebConfig &config, QString *reason) { return server.reloadWebConfig(config, reason); });
    }
    std::optional<qintptr> socket;
    if (commandLine.systemdSocket() && !(socket = SystemdSocket::take(&error))) {
        err << "nixos-exporter: " << error << '\n';
        return 1;
    }
    // Every --web.listen-address is served; the first that cannot be stops the start.
    bool listening = true;
    if (socket) {
        listening = server.listenOnDescriptor(*socket, &error);
    } else {
        for (const ListenAddress &address : config.listen) {
            if (!(listening = server.listen(address, &error)))
                break;
        }
    }
    if (!listening) {
        err << "nixos-exporter: " << error << '\n';
        return 1;
    }
    QStringList names;
    for (const Collector *collector : std::as_const(collectors))
        names.append(collector->name);
    const QString scheme = server.isTls() ? QStringLiteral("https") : QStringLiteral("http");
    // "port 9971 (http, :9971), port 9100 (http, [::1]:9100)": one per socket, in flag order.
    QStringList sockets;
    const QList<quint16> ports = server.ports();
    for (qsizetype i = 0; i < ports.size(); ++i) {
        const QString where = socket ? QStringLiteral("systemd socket") : config.listen.value(i).toString();
        sockets.append(QStringLiteral("port %1 (%2, %3)").arg(ports[i]).arg(scheme, where));
    }
    qCInfo(lcHttp).noquote() << "nixos-exporter" << BuildInfo::Version << "listening on"
                             << sockets.join(QStringLiteral(", ")) + QStringLiteral(", collectors:")
                             << names.join(QStringLiteral(", "));
    // What the collectors say, once serving (a start that fails says only why), then each change.
    const CollectorLog collectorLog(monitor, collectors);
    return app.exec();
}
