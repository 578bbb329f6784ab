// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <functional>

// Limits QHttpServer does not have (Qt 6.4 to 6.8: it buffers any request body, keeps any
// connection open for ever and takes any number of them):
// - a request (headers and body) must be complete within requestTimeoutMs of its first byte,
//   or of the accept: a client sending a byte a second (slowloris) is closed;
// - a kept-alive connection with no request in flight is closed after idleTimeoutMs;
// - more than maxRequestBytes received without a response in between closes the connection
//   (the exporter's routes take no body; 64 KiB is far above any scrape request);
// - at maxConnections, a new connection closes the least recently active one, so that
//   idle or slow clients cannot lock a scraper out;
// - pipelined requests that arrive together: the first is answered, then the connection is
//   closed (Qt 6.4's QHttpServer would answer only the first and leave the client waiting).
struct ConnectionLimits
{
    int maxConnections = 1024;
    int requestTimeoutMs = 10'000;
    int idleTimeoutMs = 120'000;
    qint64 maxRequestBytes = 64 * 1024;
};

class ConnectionGuard : public QObject
{
    Q_OBJECT
public:
    explicit ConnectionGuard(const ConnectionLimits &limits, QObject *parent = nullptr);
    ~ConnectionGuard() override;

    const ConnectionLimits &limits() const { return m_limits; }
    // Starts watching a socket (once; later calls do nothing). The socket stays the owner's.
    void watch(QTcpSocket *socket);
    // Called before a new connection is taken: at the cap, closes the least recently active.
    void makeRoom();
    int connections() const { return int(m_states.size()); }

private:
    struct State;
    void dropped(QObject *socket);
    void close(QTcpSocket *socket, const char *why);

    const ConnectionLimits m_limits;
    QHash<QObject *, State *> m_states;
};

// A QTcpServer or QSslServer whose connections go through a ConnectionGuard, and that does
// not stop accepting for good when accept() fails for lack of file descriptors (QTcpServer
// pauses itself on any non-temporary accept error). accept, if set, may refuse a connection
// once it is handed over (after the TLS handshake): it is then closed.
template<typename Base>
class GuardedServer : public Base
{
public:
    explicit GuardedServer(const ConnectionLimits &limits) : m_guard(limits)
    {
        // Pending connections are taken at once by QHttpServer; handshakes in progress
        // count against this in QSslServer, and must not stop accepting.
        Base::setMaxPendingConnections(limits.maxConnections);
        QObject::connect(this, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError) {
            m_guard.makeRoom();
            QTimer::singleShot(100, this, [this] { Base::resumeAccepting(); });
        });
    }

    ConnectionGuard &guard() { return m_guard; }
    std::function<bool(QTcpSocket *)> accept;

    QTcpSocket *nextPendingConnection() override
    {
        while (QTcpSocket *socket = Base::nextPendingConnection()) {
            if (!accept || accept(socket)) {
                m_guard.watch(socket);
                return socket;
            }
            socket->abort();
            socket->deleteLater();
        }
        return nullptr;
    }

protected:
    void incomingConnection(qintptr handle) override
    {
        m_guard.makeRoom();
        Base::incomingConnection(handle);
    }

private:
    ConnectionGuard m_guard;
};
