// SPDX-License-Identifier: MIT
// --web.systemd-socket: the exporter serves on a listening socket it inherits, the way
// systemd passes it (LISTEN_FDS, LISTEN_PID, fd 3). systemd-socket-activate plays systemd.
#include "exporterprocess.h"
#include "goldenfixture.h"
#include "requiredtool.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

using namespace Qt::StringLiterals;

class TestExporterSocket : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void servesOnThePassedSocket();
    void withoutASocketFailsWithOneLine();
    void socketForAnotherProcessIsRefused();

private:
    int get(quint16 port, QByteArray *body = nullptr);
    QString m_activate;
    QNetworkAccessManager m_network;
};

void TestExporterSocket::initTestCase()
{
    NIXOS_REQUIRE_TOOL(m_activate, "systemd-socket-activate", "systemd", "systemd");
}

int TestExporterSocket::get(quint16 port, QByteArray *body)
{
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1/metrics"_s.arg(port)));
    request.setTransferTimeout(5000);
    QNetworkReply *reply = m_network.get(request);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    if (body)
        *body = reply->readAll();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

void TestExporterSocket::servesOnThePassedSocket()
{
    FixtureTree tree;
    GoldenFixture::build(tree);
    // A free port: take one and give it back (systemd-socket-activate binds it again).
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    QProcess activate;
    activate.setProcessChannelMode(QProcess::MergedChannels);
    // No --accept: one exporter gets the listening socket, as with a .socket unit's default.
    activate.start(m_activate, {u"--listen=127.0.0.1:%1"_s.arg(port), ExporterProcess::binary(),
                                u"--web.systemd-socket"_s, u"--root"_s, tree.root()});
    QVERIFY(activate.waitForStarted());
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += activate.readAll()).contains("Listening on"), 5000);
    // The first connection starts the exporter, which then answers it.
    QByteArray body;
    QCOMPARE(get(port, &body), 200);
    QVERIFY(body.contains("\nnixos_current_generation 47\n"));
    QCOMPARE(get(port), 200);
    QTRY_VERIFY_WITH_TIMEOUT((output += activate.readAll()).contains("(http, systemd socket)"), 2000);
    activate.terminate();
    QVERIFY(activate.waitForFinished(5000));
}

void TestExporterSocket::withoutASocketFailsWithOneLine()
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(u"LISTEN_FDS"_s);
    environment.remove(u"LISTEN_PID"_s);
    process.setProcessEnvironment(environment);
    process.start(ExporterProcess::binary(), {u"--web.systemd-socket"_s, u"--root"_s, u"/"_s});
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitCode(), 1);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.startsWith(u"nixos-exporter: --web.systemd-socket: no socket passed (LISTEN_FDS is not set"_s),
             qPrintable(error));
}

void TestExporterSocket::socketForAnotherProcessIsRefused()
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"LISTEN_FDS"_s, u"1"_s);
    environment.insert(u"LISTEN_PID"_s, u"1"_s);
    process.setProcessEnvironment(environment);
    process.start(ExporterProcess::binary(), {u"--web.systemd-socket"_s, u"--root"_s, u"/"_s});
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitCode(), 1);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.startsWith(u"nixos-exporter: --web.systemd-socket: the sockets are meant for process 1"_s),
             qPrintable(error));
}

QTEST_GUILESS_MAIN(TestExporterSocket)
#include "tst_exportersocket.moc"
