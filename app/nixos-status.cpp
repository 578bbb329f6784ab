// SPDX-License-Identifier: MIT
// nixos-status: a one-shot report of this (or another) NixOS machine for shells and scripts.
#include "assessment.h"
#include "buildinfo.h"
#include "flakehealth.h"
#include "httpclientconfig.h"
#include "remotestatus.h"
#include "snapshotreader.h"
#include "statusjson.h"
#include "statusreport.h"
#include "systemlayout.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QJsonDocument>
#include <QTextStream>

#include <unistd.h>

namespace {
const char *const Description =
    "Reports the state of this NixOS machine: the running, booted and default generation,\n"
    "whether a reboot is required and why, how old nixpkgs and the flake inputs are.\n"
    "\n"
    "Exit status: 0 all well, 1 attention needed (reboot required, stale generation or\n"
    "nixpkgs), 2 error (the system or the remote exporter cannot be read, bad usage).\n"
    "\n"
    "--remote with TLS or basic auth: --http.config.file names a file in the format of\n"
    "promtool's --http.config.file (basic_auth with username and password_file,\n"
    "authorization, tls_config with ca_file, cert_file, key_file, server_name). Passwords\n"
    "are read from files only, never from the command line.";

int fail(const QString &message)
{
    QTextStream(stderr) << "nixos-status: " << message << '\n';
    return StatusReport::Error;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("nixos-status"));
    QCoreApplication::setApplicationVersion(QLatin1String(BuildInfo::Version));

    QCommandLineParser parser;
    parser.setApplicationDescription(QLatin1String(Description));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print the /status JSON document instead."));
    const QCommandLineOption remote(QStringLiteral("remote"),
                                    QStringLiteral("Read another machine's nixos-exporter, e.g. host:9971."),
                                    QStringLiteral("url"));
    const QCommandLineOption root(QStringLiteral("root"), QStringLiteral("Read the system below this directory."),
                                  QStringLiteral("dir"), QStringLiteral("/"));
    const QCommandLineOption lockPath(QStringLiteral("flake.lock-path"),
                                      QStringLiteral("flake.lock to report (default: auto-detect)."),
                                      QStringLiteral("path"));
    const QCommandLineOption colour(QStringLiteral("color"),
                                    QStringLiteral("Colour: auto (on a terminal, unless NO_COLOR is set), always, never."),
                                    QStringLiteral("when"), QStringLiteral("auto"));
    const QCommandLineOption httpConfig(QStringLiteral("http.config.file"),
                                        QStringLiteral("For --remote: credentials and TLS settings, as promtool's "
                                                       "--http.config.file."),
                                        QStringLiteral("file"));
    const QCommandLineOption timeout(QStringLiteral("timeout"), QStringLiteral("Seconds to wait for --remote (default 10)."),
                                     QStringLiteral("seconds"), QStringLiteral("10"));
    const QCommandLineOption store(QStringLiteral("store"),
                                   QStringLiteral("Also read the Nix database: store size and path count."));
    const QCommandLineOption now(QStringLiteral("now"),
                                 QStringLiteral("Compute ages as of this Unix time (reproducible output)."),
                                 QStringLiteral("seconds"));
    parser.addOptions({json, remote, httpConfig, root, lockPath, colour, timeout, store, now});
    if (!parser.parse(QCoreApplication::arguments()))
        return fail(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << "nixos-status " << BuildInfo::Version << " (revision " << BuildInfo::Revision << ")\n";
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first()));
    const QString colourMode = parser.value(colour);
    if (!QStringList{"auto", "always", "never"}.contains(colourMode))
        return fail(QStringLiteral("--color must be auto, always or never"));
    bool numberOk = true;
    const qint64 time = parser.isSet(now) ? parser.value(now).toLongLong(&numberOk) : QDateTime::currentSecsSinceEpoch();
    if (!numberOk)
        return fail(QStringLiteral("--now must be a number of seconds"));

    QJsonObject status;
    if (parser.isSet(remote)) {
        const int seconds = parser.value(timeout).toInt(&numberOk);
        if (!numberOk || seconds <= 0)
            return fail(QStringLiteral("--timeout must be a positive number of seconds"));
        const QUrl url = StatusJson::urlFor(parser.value(remote));
        // Every user can read a command line (ps, /proc/PID/cmdline, shell history).
        if (!url.password().isEmpty())
            return fail(QStringLiteral("--remote: no password in the URL, where every user can read it; put it in "
                                       "a file named by --http.config.file (basic_auth.password_file)"));
        QString error;
        HttpClientConfig client;
        if (parser.isSet(httpConfig)) {
            const std::optional<HttpClientConfig> loaded = HttpClientConfig::load(parser.value(httpConfig), &error);
            if (!loaded)
                return fail(error);
            client = *loaded;
        }
        const std::optional<QJsonObject> fetched = RemoteStatus::fetch(url, seconds * 1000, client, &error);
        if (!fetched)
            return fail(error);
        status = *fetched;
    } else {
        if (parser.isSet(httpConfig))
            return fail(QStringLiteral("--http.config.file is for --remote"));
        if (!QDir(parser.value(root)).exists())
            return fail(QStringLiteral("--root %1: no such directory").arg(parser.value(root)));
        ReadOptions options;
        options.flake = true;
        options.lockOptional = !parser.isSet(lockPath);
        options.lockPath = parser.value(lockPath);
        options.store = parser.isSet(store);
        options.boot = true;
        // Reproducible means the release calendar of that day too.
        if (parser.isSet(now))
            options.supportedReleases = FlakeHealth::supportedReleases(time);
        const Snapshot snapshot = SnapshotReader::read(SystemLayout(parser.value(root)), options);
        status = StatusJson::toJson(snapshot, Assessment::of(snapshot, Thresholds(), time), time);
    }

    QTextStream out(stdout);
    if (parser.isSet(json)) {
        out << QJsonDocument(status).toJson(QJsonDocument::Indented);
    } else {
        const bool useColour = colourMode == QLatin1String("always")
                               || (colourMode == QLatin1String("auto") && ::isatty(STDOUT_FILENO)
                                   && qEnvironmentVariableIsEmpty("NO_COLOR"));
        out << StatusReport::render(status, useColour);
    }
    return StatusReport::exitCode(status);
}
