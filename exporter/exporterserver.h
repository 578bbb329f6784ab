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
    QHttpServer m_http;
    QTcpServer m_tcp;
};
