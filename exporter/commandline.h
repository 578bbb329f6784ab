// SPDX-License-Identifier: MIT
#pragma once

#include "exporterconfig.h"

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

private:
    bool applyFlags();

    QCommandLineParser m_parser;
    ExporterConfig m_config;
    QString m_error;
};
