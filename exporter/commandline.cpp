// SPDX-License-Identifier: MIT
#include "commandline.h"

#include "collector.h"

namespace {
const QString ListenOption = QStringLiteral("listen");
const QString ConfigOption = QStringLiteral("config");
const QString RootOption = QStringLiteral("root");
const QString LockPathOption = QStringLiteral("flake.lock-path");
const QString WebConfigOption = QStringLiteral("web.config.file");
const QString SystemdSocketOption = QStringLiteral("web.systemd-socket");
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
         QStringLiteral("Address to serve metrics on (default \":9971\")."),
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
    });
    m_parser.addOptions({
        {WebConfigOption,
         QStringLiteral("TLS and basic auth, in the Prometheus exporter-toolkit web config format."),
         QStringLiteral("file")},
        {SystemdSocketOption,
         QStringLiteral("Serve on the socket systemd passes (socket activation) instead of --listen.")},
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

bool CommandLine::systemdSocket() const
{
    return m_parser.isSet(SystemdSocketOption);
}

bool CommandLine::applyFlags()
{
    if (m_parser.isSet(ListenOption)) {
        const std::optional<ListenAddress> address = ListenAddress::parse(m_parser.value(ListenOption), &m_error);
        if (!address)
            return false;
        m_config.listen = *address;
    }
    if (m_parser.isSet(RootOption))
        m_config.root = m_parser.value(RootOption);
    if (m_parser.isSet(LockPathOption))
        m_config.lockPath = m_parser.value(LockPathOption);
    // optionNames() keeps the order of the command line, so the last switch wins.
    for (const QString &name : m_parser.optionNames()) {
        if (name.startsWith(EnablePrefix))
            m_config.collectors[name.mid(EnablePrefix.size())] = true;
        else if (name.startsWith(DisablePrefix))
            m_config.collectors[name.mid(DisablePrefix.size())] = false;
    }
    return true;
}
