// SPDX-License-Identifier: MIT
#pragma once

#include "basicauth.h"
#include "collector.h"
#include "connectionguard.h"
#include "gzip.h"
#include "httprequestcounter.h"
#include "listenaddress.h"
#include "thresholds.h"
#include "webconfig.h"

#include <QHttpServer>
#include <QLoggingCategory>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QSslServer>
#include <QTcpServer>

#include <optional>

class StatusMonitor;

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

// Serves the monitor's latest snapshot over HTTP: /metrics (Prometheus text format; the
// telemetry path), /status (JSON) and / (a landing page), on one or more listening sockets.
// Requests only render what the monitor holds; they never read the system (only /proc/self,
// for the exporter's own process metrics).
class ExporterServer : public QObject
{
    Q_OBJECT
public:
    ExporterServer(const StatusMonitor &monitor, const QList<const Collector *> &collectors,
                   QObject *parent = nullptr);

    // TLS and basic auth from --web.config.file; call before listen(). False with a one-line
    // error if a certificate or key cannot be read.
    bool setWebConfig(const WebConfig &config, QString *error);
    // A web config read again while serving (WebConfigWatcher): new users and TLS files take
    // effect for new connections. False with a one-line error, changing nothing, if its files
    // cannot be used or it would switch between HTTP and HTTPS (that needs a restart).
    bool reloadWebConfig(const WebConfig &config, QString *error);
    void setLimits(const ConnectionLimits &limits) { m_limits = limits; }
    // What the flags change in the collectors' output (the generation series bound).
    void setCollectorOptions(const CollectorOptions &options) { m_collectorOptions = options; }

    // Where the metrics are served (--web.telemetry-path, checked by the caller) and whether
    // they include the exporter's own process_* and HTTP request metrics; before listen().
    void setTelemetry(const QString &path, bool exporterMetrics);

    // Called once per address: each is served alike (same routes, TLS, auth and limits).
    bool listen(const ListenAddress &address, QString *error);
    // Serves on a socket that is already listening (systemd socket activation).
    bool listenOnDescriptor(qintptr descriptor, QString *error);
    quint16 port() const { return m_servers.isEmpty() ? 0 : m_servers.first()->serverPort(); }
    QList<quint16> ports() const;
    bool isTls() const { return m_ssl.has_value(); }

private:
    QTcpServer *createServer();
    void addRoutes();
    void bindServer(QTcpServer *server);
    bool authorized(const QHttpServerRequest &request);

    QHttpServerResponse metrics(const QHttpServerRequest &request) const;
    QHttpServerResponse status(const QHttpServerRequest &request) const;
    QHttpServerResponse landingPage(const QHttpServerRequest &request) const;

    const StatusMonitor &m_monitor;
    const QList<const Collector *> m_collectors;
    CollectorOptions m_collectorOptions;
    const Thresholds m_thresholds;
    // /metrics is a function of the snapshot and the current second only (ages are whole
    // seconds computed at render time), so scrapes in the same second of the same snapshot
    // get the same bytes: rendered, and gzipped if asked for, once per second, not per request.
    struct MetricsCache
    {
        Snapshot snapshot;  // a shallow copy; comparing it is cheap while the data is shared
        qint64 now = -1;
        QByteArray body;
        struct Gzipped
        {
            QByteArray whole;     // the body, when the exporter metrics are off
            Gzip::Prefix prefix;  // the body as the start of a stream the exporter metrics end
        } gzip;                   // each empty until a client accepts gzip
    };
    mutable MetricsCache m_metricsCache;
    QHttpServer m_http;
    // Guarded QTcpServers or QSslServers, one per address; m_http owns them once bound.
    QList<QTcpServer *> m_servers;
    QString m_telemetryPath = QStringLiteral("/metrics");
    bool m_exporterMetrics = true;
    bool m_routed = false;
    // Requests answered per route and code; the telemetry route counts after rendering, so a
    // scrape shows the requests before it, as client libraries' handlers do.
    mutable HttpRequestCounter m_requests;
    std::optional<WebConfig> m_webConfig;
    std::optional<QSslConfiguration> m_ssl;
    BasicAuthenticator m_auth;
    QList<QPointer<QSslServer>> m_sslServers;  // to hand a reloaded TLS config to
    ConnectionLimits m_limits;
};
