// SPDX-License-Identifier: MIT
// nixos-status: a one-shot report of this (or another) NixOS machine for shells and scripts.
#include "assessment.h"
#include "buildinfo.h"
#include "diffreport.h"
#include "flakehealth.h"
#include "generationlist.h"
#include "generationscanner.h"
#include "httpclientconfig.h"
#include "nixdatabase.h"
#include "remotestatus.h"
#include "snapshotreader.h"
#include "statusjson.h"
#include "statusreport.h"
#include "systemdiff.h"
#include "systemlayout.h"
#include "systemselector.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QJsonDocument>
#include <QRegularExpression>
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
    "are read from files only, never from the command line.\n"
    "\n"
    "Commands (each has its own --help):\n"
    "  nixos-status diff [FROM [TO]]   packages upgraded, downgraded, added, removed\n"
    "  nixos-status generations        the system generations, with their closures";

const char *const DiffDescription =
    "Shows what changed between two systems: packages upgraded, downgraded, added and\n"
    "removed with their versions, then the closures' paths and size before -> after.\n"
    "Packages are grouped as `nix store diff-closures` groups them; read from the Nix\n"
    "database (read-only), without running nix.\n"
    "\n"
    "FROM and TO: a generation number, booted, current, a store path or a link to one\n"
    "(e.g. /nix/var/nix/profiles/system-46-link). TO defaults to current; FROM to booted\n"
    "(what a reboot would change) or, when booted is current, to the generation before it\n"
    "(what the last switch changed).\n"
    "\n"
    "Exit status: 0 shown, 2 a side cannot be read (no such generation, not in the Nix\n"
    "database, database unreadable) or bad usage. --json: docs/diff-json.md.";

const char *const GenerationsDescription =
    "Lists the system generations, newest first: number, build date, NixOS version,\n"
    "kernel, specialisations, the size of each closure (from the Nix database, read-only,\n"
    "when it can be read) and which is current, booted and the default for the next boot.\n"
    "\n"
    "Exit status: 0 listed (a closure that cannot be read shows as unknown), 2 the\n"
    "generations cannot be read or bad usage. --json: docs/diff-json.md.";

int fail(const QString &message)
{
    QTextStream(stderr) << "nixos-status: " << message << '\n';
    return StatusReport::Error;
}

// The options diff and generations share with the report: --json, --root, --color.
struct CommandOptions
{
    QCommandLineOption json{QStringLiteral("json"), QStringLiteral("Print JSON (docs/diff-json.md).")};
    QCommandLineOption root{QStringLiteral("root"), QStringLiteral("Read the system below this directory."),
                            QStringLiteral("dir"), QStringLiteral("/")};
    QCommandLineOption colour{QStringLiteral("color"),
                              QStringLiteral("Colour: auto (on a terminal, unless NO_COLOR is set), always, never."),
                              QStringLiteral("when"), QStringLiteral("auto")};
};

bool colourWanted(const QString &mode)
{
    return mode == QLatin1String("always")
           || (mode == QLatin1String("auto") && ::isatty(STDOUT_FILENO) && qEnvironmentVariableIsEmpty("NO_COLOR"));
}

// Parses a command's arguments (after its name); an exit code when done already (help, errors).
std::optional<int> parseCommand(QCommandLineParser &parser, const CommandOptions &options, const char *description,
                                QStringList arguments, qsizetype maxPositional)
{
    const QString command = arguments.at(1);
    parser.setApplicationDescription(QLatin1String(description));
    parser.addHelpOption();
    parser.addOptions({options.json, options.root, options.colour});
    arguments.removeAt(1); // the command's name
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        // "Usage: nixos-status diff [options] ...", not the path the program was started by.
        static const QRegularExpression program(QStringLiteral("^Usage: \\S+"));
        QTextStream(stdout) << parser.helpText().replace(program, QStringLiteral("Usage: nixos-status ") + command);
        return 0;
    }
    if (parser.positionalArguments().size() > maxPositional)
        return fail(QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().at(maxPositional)));
    if (!QStringList{"auto", "always", "never"}.contains(parser.value(options.colour)))
        return fail(QStringLiteral("--color must be auto, always or never"));
    if (!QDir(parser.value(options.root)).exists())
        return fail(QStringLiteral("--root %1: no such directory").arg(parser.value(options.root)));
    return std::nullopt;
}

int diffCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    const CommandOptions options;
    parser.addPositionalArgument(QStringLiteral("FROM"), QStringLiteral("Default: booted, or the generation before current."),
                                 QStringLiteral("[FROM"));
    parser.addPositionalArgument(QStringLiteral("TO"), QStringLiteral("Default: current."), QStringLiteral("[TO]]"));
    if (const std::optional<int> done = parseCommand(parser, options, DiffDescription, arguments, 2))
        return *done;
    const SystemLayout layout(parser.value(options.root));
    const GenerationState state = GenerationScanner::scan(layout);
    const QStringList sides = parser.positionalArguments();
    QString error;
    const std::optional<SelectedSystem> from = sides.isEmpty() ? SystemSelector::defaultFrom(layout, state, &error)
                                                                : SystemSelector::select(layout, state, sides[0], &error);
    if (!from)
        return fail(error);
    const std::optional<SelectedSystem> to =
        SystemSelector::select(layout, state, sides.size() > 1 ? sides[1] : QStringLiteral("current"), &error);
    if (!to)
        return fail(error);
    NixDatabase database(layout);
    const std::optional<SystemDiff> diff =
        SystemDiff::read(database, SystemDiff::Side::of(from->name, from->storePath, from->generation),
                         SystemDiff::Side::of(to->name, to->storePath, to->generation), &error);
    if (!diff)
        return fail(error);
    QTextStream out(stdout);
    if (parser.isSet(options.json))
        out << QJsonDocument(DiffReport::toJson(*diff)).toJson(QJsonDocument::Indented);
    else
        out << DiffReport::render(*diff, colourWanted(parser.value(options.colour)));
    return 0;
}

int generationsCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    const CommandOptions options;
    if (const std::optional<int> done = parseCommand(parser, options, GenerationsDescription, arguments, 0))
        return *done;
    const SystemLayout layout(parser.value(options.root));
    const GenerationState state = GenerationScanner::scan(layout);
    if (!state.generationsListed)
        return fail(QStringLiteral("%1: not a readable directory").arg(SystemLayout::ProfilesDir));
    const GenerationList::Closures closures = GenerationList::readClosures(layout, state);
    QTextStream out(stdout);
    if (parser.isSet(options.json)) {
        out << QJsonDocument(GenerationList::toJson(state, closures)).toJson(QJsonDocument::Indented);
        return 0;
    }
    out << GenerationList::render(state, closures, colourWanted(parser.value(options.colour)));
    out.flush();
    if (!closures.error.isEmpty())
        QTextStream(stderr) << "nixos-status: closures unknown: " << closures.error << '\n';
    return 0;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("nixos-status"));
    QCoreApplication::setApplicationVersion(QLatin1String(BuildInfo::Version));
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() > 1 && arguments[1] == QLatin1String("diff"))
        return diffCommand(arguments);
    if (arguments.size() > 1 && arguments[1] == QLatin1String("generations"))
        return generationsCommand(arguments);

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
                                   QStringLiteral("Also read the Nix database: store size and path count, what a reboot would change."));
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
        options.rebootChanges = options.store;
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
            out << StatusReport::render(status, colourWanted(colourMode));
    }
    return StatusReport::exitCode(status);
}
