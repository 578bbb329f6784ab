// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTemporaryDir>

// A real Prometheus server (Debian's prometheus package) on a free loopback port, scraping
// the given targets every second under the job "nixos".
class PrometheusProcess
{
public:
    ~PrometheusProcess();

    // Returns false with the reason in error() if prometheus is missing or does not come up
    // with every target scraped (up == 1) within a minute.
    bool start(const QList<quint16> &exporterPorts);
    QString error() const { return m_error; }
    quint16 port() const { return m_port; }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

    // The result vector of an instant query.
    QJsonArray query(const QString &promql);

private:
    QProcess m_process;
    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;
    QString m_error;
};
