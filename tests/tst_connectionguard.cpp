// SPDX-License-Identifier: MIT
// ConnectionGuard in process, with small limits so that each one shows in milliseconds: the
// cap closes the least recently active connection, request and idle timeouts, request size,
// pipelining.
#include "connectionguard.h"

#include <QElapsedTimer>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

ConnectionLimits smallLimits()
{
    ConnectionLimits limits;
    limits.maxConnections = 3;
    limits.requestTimeoutMs = 400;
    limits.idleTimeoutMs = 800;
    limits.maxRequestBytes = 2048;
    return limits;
}

const QByteArray Request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

} // namespace

class TestConnectionGuard : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void capClosesTheLeastRecentlyActive();
    void requestTimeout();
    void idleTimeout();
    void requestSize();
    void pipelinedRequestsAnsweredOrClosed();

private:
    std::unique_ptr<QTcpSocket> connectClient();
    bool answered(QTcpSocket &socket);

    std::unique_ptr<QHttpServer> m_http;
    GuardedServer<QTcpServer> *m_server = nullptr;
};

void TestConnectionGuard::init()
{
    m_http = std::make_unique<QHttpServer>();
    m_http->route(u"/"_s, [](const QHttpServerRequest &) { return QHttpServerResponse("text/plain", "ok\n"); });
    m_server = new GuardedServer<QTcpServer>(smallLimits());
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    m_http->bind(m_server);  // owns it from here
}

void TestConnectionGuard::cleanup()
{
    m_http.reset();
}

std::unique_ptr<QTcpSocket> TestConnectionGuard::connectClient()
{
    auto socket = std::make_unique<QTcpSocket>();
    const int before = m_server->guard().connections();
    socket->connectToHost(QHostAddress::LocalHost, m_server->serverPort());
    // Both ends live in this thread: let the server take the connection.
    if (!QTest::qWaitFor([&] {
            return socket->state() == QAbstractSocket::ConnectedState
                   && (m_server->guard().connections() > before
                       || m_server->guard().connections() == smallLimits().maxConnections);
        }, 2000))
        qWarning("client not connected and taken within 2 s");
    return socket;
}

bool TestConnectionGuard::answered(QTcpSocket &socket)
{
    QByteArray received;
    (void)QTest::qWaitFor([&] { received += socket.readAll(); return received.contains("\r\n\r\nok\n"); }, 2000);
    return received.startsWith("HTTP/1.1 200");
}

void TestConnectionGuard::capClosesTheLeastRecentlyActive()
{
    auto a = connectClient();
    QTest::qWait(20);
    auto b = connectClient();
    QTest::qWait(20);
    auto c = connectClient();
    QCOMPARE(m_server->guard().connections(), 3);
    // a is busy, so b is now the one that has been quiet longest.
    QTest::qWait(20);
    a->write(Request);
    QVERIFY(answered(*a));
    auto d = connectClient();
    QTRY_COMPARE_WITH_TIMEOUT(b->state(), QAbstractSocket::UnconnectedState, 1000);
    QCOMPARE(a->state(), QAbstractSocket::ConnectedState);
    QCOMPARE(c->state(), QAbstractSocket::ConnectedState);
    QCOMPARE(d->state(), QAbstractSocket::ConnectedState);
    QCOMPARE(m_server->guard().connections(), 3);
    d->write(Request);
    QVERIFY(answered(*d));
}

void TestConnectionGuard::requestTimeout()
{
    auto slow = connectClient();
    auto silent = connectClient();
    QElapsedTimer timer;
    timer.start();
    slow->write("GET / HTTP/1.1\r\n");
    for (int i = 0; i < 10 && slow->state() == QAbstractSocket::ConnectedState; ++i) {
        QTest::qWait(100);
        slow->write("X");  // a byte every 100 ms does not keep it open
    }
    QTRY_COMPARE_WITH_TIMEOUT(slow->state(), QAbstractSocket::UnconnectedState, 1000);
    QTRY_COMPARE_WITH_TIMEOUT(silent->state(), QAbstractSocket::UnconnectedState, 1000);
    QVERIFY(timer.elapsed() >= 350);
    QTRY_COMPARE(m_server->guard().connections(), 0);
}

void TestConnectionGuard::idleTimeout()
{
    auto client = connectClient();
    client->write(Request);
    QVERIFY(answered(*client));
    // Past the request timeout, kept alive: idle time counts now.
    QTest::qWait(500);
    QCOMPARE(client->state(), QAbstractSocket::ConnectedState);
    client->write(Request);
    QVERIFY(answered(*client));
    QTRY_COMPARE_WITH_TIMEOUT(client->state(), QAbstractSocket::UnconnectedState, 1500);
}

void TestConnectionGuard::requestSize()
{
    auto client = connectClient();
    client->write("GET / HTTP/1.1\r\nX-Big: " + QByteArray(4096, 'a') + "\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(client->state(), QAbstractSocket::UnconnectedState, 300);
    auto fits = connectClient();
    fits->write("GET / HTTP/1.1\r\nX-Big: " + QByteArray(1500, 'a') + "\r\n\r\n");
    QVERIFY(answered(*fits));
}

void TestConnectionGuard::pipelinedRequestsAnsweredOrClosed()
{
    auto client = connectClient();
    client->write(Request + Request + Request);
    QByteArray received;
    (void)QTest::qWaitFor([&] {
        received += client->readAll();
        return received.count("ok\n") == 3 || client->state() != QAbstractSocket::ConnectedState;
    }, 2000);
    received += client->readAll();
    qInfo("pipelined: %lld of 3 answered, connection %s", qlonglong(received.count("ok\n")),
          client->state() == QAbstractSocket::ConnectedState ? "open" : "closed");
    QVERIFY(received.count("ok\n") >= 1);
    QVERIFY(received.count("ok\n") == 3 || client->state() != QAbstractSocket::ConnectedState);
}

QTEST_GUILESS_MAIN(TestConnectionGuard)
#include "tst_connectionguard.moc"
