// SPDX-License-Identifier: MIT
#include "connectionguard.h"

#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcConnections, "nixos.exporter.connections", QtWarningMsg)

struct ConnectionGuard::State
{
    QPointer<QTcpSocket> socket;
    QTimer timer;
    qint64 lastActivity = 0;  // ms, monotonic: accept, request bytes, response bytes
    qint64 requestBytes = 0;  // received since the last response
    bool inRequest = true;    // a request (or the first one) is being received
    bool closeAfterResponse = false;
};

namespace {
qint64 nowMs() { return QDeadlineTimer::current().deadline(); }
} // namespace

ConnectionGuard::ConnectionGuard(const ConnectionLimits &limits, QObject *parent)
    : QObject(parent), m_limits(limits)
{
}

ConnectionGuard::~ConnectionGuard()
{
    qDeleteAll(m_states);
}

void ConnectionGuard::watch(QTcpSocket *socket)
{
    if (m_states.contains(socket))
        return;
    auto *state = new State;
    state->socket = socket;
    state->lastActivity = nowMs();
    state->timer.setSingleShot(true);
    m_states.insert(socket, state);

    connect(&state->timer, &QTimer::timeout, socket, [this, socket, state] {
        close(socket, state->inRequest ? "request not complete in time" : "idle");
    });
    state->timer.start(m_limits.requestTimeoutMs);

    // Connected before QHttpServer's own slot, which reads everything: bytesAvailable() is
    // what just arrived.
    connect(socket, &QIODevice::readyRead, this, [this, socket, state] {
        state->lastActivity = nowMs();
        state->requestBytes += socket->bytesAvailable();
        // Qt 6.4's QHttpServer answers only the first of several requests that arrive in one
        // read (pipelining) and leaves the client waiting for the others. Anything after the
        // first header block means that: answer the first and close, which tells the client to
        // send the rest again (RFC 9112 9.3.2).
        if (!state->closeAfterResponse) {
            const QByteArray data = socket->peek(qMin<qint64>(socket->bytesAvailable(), m_limits.maxRequestBytes));
            const qsizetype end = data.indexOf("\r\n\r\n");
            state->closeAfterResponse = end >= 0 && end + 4 < data.size();
        }
        if (!state->inRequest) {
            // The first byte of the next request starts its clock.
            state->inRequest = true;
            state->timer.start(m_limits.requestTimeoutMs);
        }
        if (state->requestBytes > m_limits.maxRequestBytes) {
            // Not now: QHttpServer's slot for this readyRead still runs, and would warn
            // about reading a closed socket.
            qCInfo(lcConnections) << "closing connection from" << socket->peerAddress().toString()
                                  << ": request too large";
            delete m_states.take(socket);
            socket->disconnect(this);
            QTimer::singleShot(0, socket, [socket] { socket->abort(); });
        }
    });
    // A response (or a part of one) went out: the request is done.
    const auto responded = [this, socket, state] {
        if (state->closeAfterResponse) {
            socket->disconnectFromHost();  // after what is still to be written
            return;
        }
        state->lastActivity = nowMs();
        state->requestBytes = 0;
        state->inRequest = false;
        state->timer.start(m_limits.idleTimeoutMs);
    };
    connect(socket, &QIODevice::bytesWritten, this, responded);
    connect(socket, &QObject::destroyed, this, &ConnectionGuard::dropped);
}

void ConnectionGuard::makeRoom()
{
    if (m_states.size() < m_limits.maxConnections)
        return;
    State *oldest = nullptr;
    for (State *state : std::as_const(m_states)) {
        if (state->socket && (!oldest || state->lastActivity < oldest->lastActivity))
            oldest = state;
    }
    if (oldest)
        close(oldest->socket, "connection limit reached, least recently active");
}

void ConnectionGuard::dropped(QObject *socket)
{
    delete m_states.take(socket);
}

void ConnectionGuard::close(QTcpSocket *socket, const char *why)
{
    qCInfo(lcConnections) << "closing connection from" << socket->peerAddress().toString() << ":" << why;
    // Forget it now, so that makeRoom() counts it as gone; the owner deletes the socket.
    delete m_states.take(socket);
    socket->disconnect(this);
    socket->abort();
}
