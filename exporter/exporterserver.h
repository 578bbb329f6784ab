// SPDX-License-Identifier: MIT
#pragma once

#include "collector.h"
#include "listenaddress.h"
#include "thresholds.h"

#include <QHttpServer>
#include <QObject>
#include <QTcpServer>

class StatusMonitor;

// Serves the monitor's latest snapshot over HTTP: /metrics (Prometheus text format),
// /status (JSON) and / (a landing page). Requests only render what the monitor holds; they
// never read the system.
class ExporterServer : public QObject
{
    Q_OBJECT
public:
    ExporterServer(const StatusMonitor &monitor, const QList<const Collector *> &collectors,
                   QObject *parent = nullptr);

    bool listen(const ListenAddress &address, QString *error);
    quint16 port() const { return m_tcp.serverPort(); }

private:
    QHttpServerResponse metrics(const QHttpServerRequest &request) const;
    QHttpServerResponse status(const QHttpServerRequest &request) const;
    QHttpServerResponse landingPage(const QHttpServerRequest &request) const;

    const StatusMonitor &m_monitor;
    const QList<const Collector *> m_collectors;
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
    QTcpServer m_tcp;
};
