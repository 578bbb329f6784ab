// SPDX-License-Identifier: MIT
#include "commandline.h"

#include "collector.h"
#include "duration.h"

namespace {
const QString ListenOption = QStringLiteral("listen");
const QString ConfigOption = QStringLiteral("config");
const QString RootOption = QStringLiteral("root");
const QString LockPathOption = QStringLiteral("flake.lock-path");
const QString SupportedReleasesOption = QStringLiteral("flake.supported-releases");
const QString WebConfigOption = QStringLiteral("web.config.file");
const QString SystemdSocketOption = QStringLiteral("web.systemd-socket");
const QString TelemetryPathOption = QStringLiteral("web.telemetry-path");
const QString DisableExporterMetricsOption = QStringLiteral("web.disable-exporter-metrics");
const QString LogLevelOption = QStringLiteral("log.level");
const QString LogFormatOption = QStringLiteral("log.format");
const QString GenerationMaxSeriesOption = QStringLiteral("collector.generation.max-series");
const QString StoreRefreshOption = QStringLiteral("collector.store.refresh-interval");
const QString UpgradeChannelOption = QStringLiteral("collector.upgrade.channel");
const QString UpgradeBaseUrlOption = QStringLiteral("collector.upgrade.base-url");
const QString UpgradeUrlOption = QStringLiteral("collector.upgrade.url");
const QString UpgradeIntervalOption = QStringLiteral("collector.upgrade.interval");
const QString UpgradeTimeoutOption = QStringLiteral("collector.upgrade.timeout");
const QString EnablePrefix = QStringLiteral("collector.");
const QString DisablePrefix = QStringLiteral("no-collector.");
} // namespace

CommandLine::CommandLine()
{
    m_parser.setApplicationDescription(QStringLiteral(
        "Prometheus exporter for NixOS: generations, reboot required, flake input ages."));
    m_parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    m_parser.addHelpOption();
    m_parser.addVersionOption();
    m_parser.addOptions({
        {{ListenOption, QStringLiteral("web.listen-address")},
         QStringLiteral("Address to serve metrics on (default \":9971\"); give it again to serve "
                        "on several, each with the same TLS, auth and limits."),
         QStringLiteral("[host]:port")},
        {ConfigOption, QStringLiteral("YAML configuration file; flags override it."),
         QStringLiteral("file")},
        {RootOption,
         QStringLiteral("Read the system below this directory instead of / (a demo or test tree)."),
         QStringLiteral("dir")},
        {LockPathOption,
         QStringLiteral("flake.lock to report (default: /run/current-system/flake.lock, then "
                        "/etc/nixos/flake.lock)."),
         QStringLiteral("path")},
        {SupportedReleasesOption,
         QStringLiteral("NixOS releases whose branches count as maintained, e.g. 26.05,26.11 "
                        "(default: from the NixOS release calendar)."),
         QStringLiteral("list")},
        {GenerationMaxSeriesOption,
         QStringLiteral("Generations with a nixos_generation_timestamp_seconds series: the newest "
                        "N (default %1; 0: all) and always the current, booted and default ones.")
             .arg(CollectorOptions::DefaultGenerationMaxSeries),
         QStringLiteral("N")},
        {StoreRefreshOption,
         QStringLiteral("How often the store collector reads the Nix database (default 5m)."),
         QStringLiteral("duration")},
        {UpgradeChannelOption,
         QStringLiteral("Channel the upgrade collector checks (default: the flake nixpkgs input's "
                        "ref, else nixos-<release of the running system>)."),
         QStringLiteral("name")},
        {UpgradeBaseUrlOption,
         QStringLiteral("Where channels are: <url>/<channel>/git-revision (default "
                        "https://channels.nixos.org)."),
         QStringLiteral("url")},
        {UpgradeUrlOption, QStringLiteral("A git-revision URL to check instead of the channel's."),
         QStringLiteral("url")},
        {UpgradeIntervalOption,
         QStringLiteral("Time between upgrade checks (default 6h); failures retry sooner, backing off."),
         QStringLiteral("duration")},
        {UpgradeTimeoutOption, QStringLiteral("Timeout of one upgrade check (default 30s)."),
         QStringLiteral("duration")},
    });
    m_parser.addOptions({
        {WebConfigOption,
         QStringLiteral("TLS and basic auth, in the Prometheus exporter-toolkit web config format."),
         QStringLiteral("file")},
        {SystemdSocketOption,
         QStringLiteral("Serve on the socket systemd passes (socket activation) instead of --listen.")},
        {TelemetryPathOption,
         QStringLiteral("Path under which to expose metrics (default /metrics)."), QStringLiteral("path")},
        {DisableExporterMetricsOption,
         QStringLiteral("Leave out the exporter's own process_* metrics and "
                        "nixos_exporter_http_requests_total (build info and collector success and "
                        "duration stay).")},
        {LogLevelOption,
         QStringLiteral("Only log messages of this level or above: debug, info, warn, error (default info)."),
         QStringLiteral("level")},
        {LogFormatOption, QStringLiteral("Log format on stderr: logfmt or json (default logfmt)."),
         QStringLiteral("format")},
    });
    for (const Collector &collector : Collectors::all()) {
        m_parser.addOption({EnablePrefix + collector.name,
                            QStringLiteral("Enable the %1 collector: %2 (default: %3).")
                                .arg(collector.name, collector.description,
                                     collector.enabledByDefault ? QStringLiteral("enabled")
                                                                : QStringLiteral("disabled"))});
        m_parser.addOption({DisablePrefix + collector.name,
                            QStringLiteral("Disable the %1 collector.").arg(collector.name)});
    }
}

CommandLine::Outcome CommandLine::parse(const QStringList &arguments)
{
    if (!m_parser.parse(arguments)) {
        m_error = m_parser.errorText();
        return Outcome::Error;
    }
    // addHelpOption() also adds --help-all, which parse() leaves for us to handle.
    if (m_parser.isSet(QStringLiteral("help")) || m_parser.isSet(QStringLiteral("help-all")))
        return Outcome::ShowHelp;
    if (m_parser.isSet(QStringLiteral("version")))
        return Outcome::ShowVersion;
    if (!m_parser.positionalArguments().isEmpty()) {
        m_error = QStringLiteral("unexpected argument \"%1\"").arg(m_parser.positionalArguments().first());
        return Outcome::Error;
    }
    if (m_parser.isSet(ConfigOption) && !m_config.loadYaml(m_parser.value(ConfigOption), &m_error))
        return Outcome::Error;
    if (!applyFlags())
        return Outcome::Error;
    if (m_parser.isSet(WebConfigOption)) {
        m_webConfig = WebConfig::load(m_parser.value(WebConfigOption), &m_error);
        if (!m_webConfig)
            return Outcome::Error;
    }
    return Outcome::Run;
}

QString CommandLine::webConfigFile() const
{
    return m_parser.value(WebConfigOption);
}

bool CommandLine::systemdSocket() const
{
    return m_parser.isSet(SystemdSocketOption);
}

bool CommandLine::applyFlags()
{
    if (m_parser.isSet(ListenOption)) {
        const std::optional<QList<ListenAddress>> addresses =
            ListenAddress::parseList(m_parser.values(ListenOption), &m_error);
        if (!addresses)
            return false;
        m_config.listen = *addresses;
    }
    if (m_parser.isSet(TelemetryPathOption)) {
        const QString path = m_parser.value(TelemetryPathOption);
        if (!ExporterConfig::isTelemetryPath(path, &m_error)) {
            m_error = QStringLiteral("--%1: %2").arg(TelemetryPathOption, m_error);
            return false;
        }
        m_config.telemetryPath = path;
    }
    if (m_parser.isSet(DisableExporterMetricsOption))
        m_config.exporterMetrics = false;
    if (m_parser.isSet(RootOption))
        m_config.root = m_parser.value(RootOption);
    if (m_parser.isSet(LogLevelOption)) {
        const QString value = m_parser.value(LogLevelOption);
        const std::optional<LogFormat::Level> level = LogFormat::parseLevel(value);
        if (!level) {
            m_error = QStringLiteral("--%1: %2").arg(LogLevelOption, LogFormat::levelError(value));
            return false;
        }
        m_config.logLevel = *level;
    }
    if (m_parser.isSet(LogFormatOption)) {
        const QString value = m_parser.value(LogFormatOption);
        const std::optional<LogFormat::Format> format = LogFormat::parseFormat(value);
        if (!format) {
            m_error = QStringLiteral("--%1: %2").arg(LogFormatOption, LogFormat::formatError(value));
            return false;
        }
        m_config.logFormat = *format;
    }
    if (m_parser.isSet(LockPathOption))
        m_config.lockPath = m_parser.value(LockPathOption);
    if (m_parser.isSet(SupportedReleasesOption)) {
        const QStringList releases = m_parser.value(SupportedReleasesOption).split(QLatin1Char(','), Qt::SkipEmptyParts);
        if (releases.isEmpty() || !ExporterConfig::areReleases(releases)) {
            m_error = QStringLiteral("--%1: expected releases such as 26.05,26.11").arg(SupportedReleasesOption);
            return false;
        }
        m_config.supportedReleases = releases;
    }
    if (m_parser.isSet(GenerationMaxSeriesOption)) {
        bool ok = false;
        const int count = m_parser.value(GenerationMaxSeriesOption).toInt(&ok);
        if (!ok || count < 0) {
            m_error = QStringLiteral("--%1: expected a number of generations, 0 for all").arg(GenerationMaxSeriesOption);
            return false;
        }
        m_config.collectorOptions.generationMaxSeries = count;
    }
    for (const auto &[option, target] : {std::pair{&StoreRefreshOption, &m_config.storeRefreshMs},
                                         std::pair{&UpgradeIntervalOption, &m_config.upgrade.intervalMs},
                                         std::pair{&UpgradeTimeoutOption, &m_config.upgrade.timeoutMs}}) {
        if (!m_parser.isSet(*option))
            continue;
        const std::optional<qint64> ms = Duration::parse(m_parser.value(*option), &m_error);
        if (!ms) {
            m_error = QStringLiteral("--%1: %2").arg(*option, m_error);
            return false;
        }
        *target = *ms;
    }
    for (const auto &[option, target] : {std::pair{&UpgradeChannelOption, &m_config.upgrade.channel},
                                         std::pair{&UpgradeBaseUrlOption, &m_config.upgrade.baseUrl},
                                         std::pair{&UpgradeUrlOption, &m_config.upgrade.url}}) {
        if (m_parser.isSet(*option))
            *target = m_parser.value(*option);
    }
    // optionNames() keeps the order of the command line, so the last switch wins.
    for (const QString &name : m_parser.optionNames()) {
        // --collector.NAME.setting VALUE is no switch.
        if (name.startsWith(EnablePrefix) && Collectors::find(name.mid(EnablePrefix.size())))
            m_config.collectors[name.mid(EnablePrefix.size())] = true;
        else if (name.startsWith(DisablePrefix))
            m_config.collectors[name.mid(DisablePrefix.size())] = false;
    }
    return true;
}
