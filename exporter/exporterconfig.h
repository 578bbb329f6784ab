// SPDX-License-Identifier: MIT
#pragma once

#include "collector.h"
#include "listenaddress.h"
#include "logformat.h"
#include "upgradechecker.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

// Everything nixos-exporter is told, from the YAML file and the flags (which win).
struct ExporterConfig
{
    QList<ListenAddress> listen{ListenAddress()};  // every one is served
    QString telemetryPath = QStringLiteral("/metrics");  // --web.telemetry-path
    bool exporterMetrics = true;  // process_* and the HTTP request counter; --web.disable-exporter-metrics
    QMap<QString, bool> collectors;  // every registered collector, enabled or not
    QString lockPath;                // empty: auto-detect
    QStringList supportedReleases;   // "26.05"...; empty: NixOS's release calendar
    QString root = QStringLiteral("/");
    qint64 storeRefreshMs = 5 * 60'000;  // collectors.store.refresh_interval
    UpgradeChecker::Settings upgrade;    // collectors.upgrade.*
    CollectorOptions collectorOptions;   // collectors.generation.max_series
    LogFormat::Level logLevel = LogFormat::Level::Info;       // log.level
    LogFormat::Format logFormat = LogFormat::Format::Logfmt;  // log.format

    // NixOS releases are written YY.MM.
    static bool areReleases(const QStringList &releases);
    // A path of its own for /metrics: starts with '/', is neither "/" nor "/status", and has
    // only letters, digits and "/-._~". False with a one-line reason.
    static bool isTelemetryPath(const QString &path, QString *error);

    // Defaults: every collector at its registered default.
    ExporterConfig();

    // Applies a YAML file on top of this config:
    //   listen_addr: ":9971"          (or a list: [":9971", "[::1]:9100"])
    //   collectors:
    //     generation: { enabled: true, max_series: 10 }
    //     flake: { enabled: false, lock_path: "/etc/nixos/flake.lock", supported_releases: ["26.05"] }
    //     store: { enabled: false, refresh_interval: 5m }
    //     upgrade: { enabled: false, channel: nixos-24.11, base_url: ..., url: ..., interval: 6h, timeout: 30s }
    //   log: { level: info, format: logfmt }
    // Unknown keys, wrong types and bad addresses are errors naming the file, line and key.
    bool loadYaml(const QString &fileName, QString *error);
    // The same from text already in memory; fileName is only used in messages.
    bool loadYamlText(const QByteArray &text, const QString &fileName, QString *error);
};
