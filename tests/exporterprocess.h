// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QProcess>
#include <QStringList>

// A nixos-exporter started the way a user starts it, on an ephemeral loopback port, plus a
// blocking HTTP client for it.
class ExporterProcess
{
public:
    struct Reply
    {
        int status = 0;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray header(const QByteArray &name) const;
    };

    ~ExporterProcess();

    // Path of the nixos-exporter this build made.
    static QString binary();

    // Starts the exporter with these arguments plus --listen=127.0.0.1:0 and waits until it
    // says which port it got. False (with the output in error()) if it exits or stays silent.
    bool start(const QStringList &arguments);
    quint16 port() const { return m_port; }
    // What it wrote to stderr after the line with its port but read together with it (a
    // collector's first failure can come that soon); process() has only what came later.
    QByteArray outputAfterPort() const { return m_outputAfterPort; }
    QString error() const { return m_error; }
    QProcess &process() { return m_process; }

    Reply request(const QByteArray &method, const QString &path,
                  const QList<QPair<QByteArray, QByteArray>> &headers = {});
    Reply get(const QString &path) { return request("GET", path); }

private:
    QProcess m_process;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;
    QString m_error;
    QByteArray m_outputAfterPort;
};
