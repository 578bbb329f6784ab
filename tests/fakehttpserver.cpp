// SPDX-License-Identifier: MIT
#include "fakehttpserver.h"

#include <QTcpSocket>

FakeHttpServer::FakeHttpServer()
{
    m_clock.start();
    connect(&m_server, &QTcpServer::newConnection, this, &FakeHttpServer::accept);
    m_server.listen(QHostAddress::LocalHost, 0);
}

void FakeHttpServer::accept()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
            QByteArray request = socket->property("request").toByteArray() + socket->readAll();
            socket->setProperty("request", request);
            if (!request.contains("\r\n\r\n") || socket->property("answered").toBool())
                return;
            socket->setProperty("answered", true);
            const QList<QByteArray> line = request.left(request.indexOf("\r\n")).split(' ');
            m_paths.append(line.value(1));
            m_times.append(m_clock.elapsed());
            const Answer answer = m_answer;
            Q_EMIT requested();
            if (answer.silent)
                return;
            QByteArray response = "HTTP/1.1 " + QByteArray::number(answer.status) +
                                  (answer.status == 200 ? " OK" : " Error") + "\r\n";
            response += "Content-Type: text/plain\r\nConnection: close\r\nContent-Length: " +
                        QByteArray::number(answer.body.size()) + "\r\n";
            for (const auto &[name, value] : answer.headers)
                response += name + ": " + value + "\r\n";
            socket->write(response + "\r\n" + answer.body);
            socket->disconnectFromHost();
        });
    }
}
