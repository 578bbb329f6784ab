// SPDX-License-Identifier: MIT
#include "exporterprocess.h"

#include <QBuffer>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QNetworkReply>
#include <QRegularExpression>

QByteArray ExporterProcess::Reply::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QString ExporterProcess::binary()
{
    return QStringLiteral(NIXOS_EXPORTER_BINARY);
}

ExporterProcess::~ExporterProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
    }
}

bool ExporterProcess::start(const QStringList &arguments)
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.setReadChannel(QProcess::StandardError);  // where it says its port
    m_process.start(binary(),
                    arguments + QStringList{QStringLiteral("--listen=127.0.0.1:0")});
    static const QRegularExpression listening(QStringLiteral(R"(listening on port (\d+))"));
    QByteArray output;
    const QDeadlineTimer deadline(10'000);
    while (!deadline.hasExpired() && m_process.waitForReadyRead(int(deadline.remainingTime()))) {
        output += m_process.readAllStandardError();
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(output));
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            const qsizetype lineEnd = output.indexOf('\n', output.indexOf("listening on port"));
            m_outputAfterPort = lineEnd < 0 ? QByteArray() : output.mid(lineEnd + 1);
            return true;
        }
    }
    m_process.waitForFinished(1000);
    m_error = QString::fromUtf8(output + m_process.readAllStandardError());
    return false;
}

ExporterProcess::Reply ExporterProcess::request(const QByteArray &method, const QString &path,
                                                const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // QNetworkAccessManager asks for gzip and unpacks it behind our back unless told otherwise.
    request.setRawHeader("Accept-Encoding", "identity");
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    QBuffer body;
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, &body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    reply->deleteLater();
    return result;
}
