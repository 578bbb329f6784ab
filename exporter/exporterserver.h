// SPDX-License-Identifier: MIT
#pragma once

#include "basicauth.h"
#include "collector.h"
#include "connectionguard.h"
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

// Serves the monitor's latest snapshot over HTTP: /metrics (Prometheus text format),
// /status (JSON) and / (a landing page). Requests only render what the monitor holds; they
// never read the system.
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

    bool listen(const ListenAddress &address, QString *error);
    // Serves on a socket that is already listening (systemd socket activation).
    bool listenOnDescriptor(qintptr descriptor, QString *error);
    quint16 port() const { return m_tcp ? m_tcp->serverPort() : 0; }
    bool isTls() const { return m_ssl.has_value(); }

private:
    QTcpServer *createServer();
    void bindServer();
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
        QByteArray gzip;  // empty until a client accepts gzip
    };
    mutable MetricsCache m_metricsCache;
    QHttpServer m_http;
    QTcpServer *m_tcp = nullptr;  // a guarded QTcpServer or QSslServer; m_http owns it once bound
    std::optional<WebConfig> m_webConfig;
    std::optional<QSslConfiguration> m_ssl;
    BasicAuthenticator m_auth;
    QList<QPointer<QSslServer>> m_sslServers;  // to hand a reloaded TLS config to
    ConnectionLimits m_limits;
};
