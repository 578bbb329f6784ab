// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpServer>

// A tiny HTTP/1.1 server on 127.0.0.1 and an ephemeral port, in the test's own event loop: it
// answers every request with what it is told (or not at all) and records what was asked.
// For the upgrade check, which must never reach the internet in a test.
class FakeHttpServer : public QObject
{
    Q_OBJECT
public:
    struct Answer
    {
        int status = 200;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        bool silent = false; // read the request, never answer (a timeout)
    };

    FakeHttpServer();
    quint16 port() const { return m_server.serverPort(); }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(port()); }

    void setAnswer(const Answer &answer) { m_answer = answer; }
    // Paths asked for, and when (milliseconds since the server started).
    QList<QByteArray> paths() const { return m_paths; }
    QList<qint64> times() const { return m_times; }
    int requestCount() const { return int(m_paths.size()); }

Q_SIGNALS:
    void requested();

private:
    void accept();

    QTcpServer m_server;
    Answer m_answer;
    QList<QByteArray> m_paths;
    QList<qint64> m_times;
    QElapsedTimer m_clock;
};
