// SPDX-License-Identifier: MIT
#pragma once

#include "exporterconfig.h"
#include "webconfig.h"

#include <QCommandLineParser>

// nixos-exporter's flags. Flags win over the YAML file given with --config; for
// --collector.NAME and --no-collector.NAME the last one given wins.
class CommandLine
{
public:
    enum class Outcome { Run, ShowHelp, ShowVersion, Error };

    CommandLine();
    Outcome parse(const QStringList &arguments);

    const ExporterConfig &config() const { return m_config; }
    QString error() const { return m_error; }
    QString helpText() const { return m_parser.helpText(); }
    // --web.config.file, read and checked by parse(); nullopt without the flag.
    const std::optional<WebConfig> &webConfig() const { return m_webConfig; }
    QString webConfigFile() const;
    // --web.systemd-socket: serve on the socket systemd passes instead of --listen.
    bool systemdSocket() const;

private:
    bool applyFlags();

    QCommandLineParser m_parser;
    ExporterConfig m_config;
    QString m_error;
    std::optional<WebConfig> m_webConfig;
};
