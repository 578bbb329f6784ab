// SPDX-License-Identifier: MIT
#pragma once

#include "hoststatus.h"
#include "thresholds.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <functional>

// Watches other machines for the tray: either a list of nixos-exporter addresses (each
// one's /status), or one Prometheus server, asked through its HTTP API for the nixos_*
// series of every instance. Prometheus is the fleet engine; this only reads it.
class FleetMonitor : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        QStringList exporters;   // "host:9971" or URLs
        QString prometheus;      // "http://prometheus:9090"; used when set
        int intervalMs = 5 * 60 * 1000;
        int timeoutMs = 10'000;
        Thresholds thresholds;
    };

    explicit FleetMonitor(const Settings &settings, QObject *parent = nullptr);

    // Polls now and then every interval.
    void start();
    // Asks every machine now (the details window's Refresh); a round still out is not doubled.
    void poll();
    const QList<HostStatus> &hosts() const { return m_hosts; }
    // True once the first poll is in: until then hosts() is empty for want of an answer.
    bool answered() const { return m_answered; }

Q_SIGNALS:
    // Also after the first poll when it found no hosts: knowing there are none is news.
    void hostsChanged(const QList<HostStatus> &hosts);

private:
    void pollExporters();
    void pollPrometheus();
    void get(const QUrl &url, std::function<void(const QByteArray &body, const QString &error)> done);
    void publish(QList<HostStatus> hosts);

    const Settings m_settings;
    QNetworkAccessManager m_network;
    QTimer m_timer;
    QList<HostStatus> m_hosts;
    bool m_polling = false;
    bool m_answered = false;
};
