// SPDX-License-Identifier: MIT
#include "prometheusprocess.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTcpServer>
#include <QThread>

namespace {
quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}
} // namespace

PrometheusProcess::~PrometheusProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(10'000))
            m_process.kill();
    }
}

bool PrometheusProcess::start(const QList<quint16> &exporterPorts)
{
    QStringList targets;
    for (const quint16 port : exporterPorts)
        targets.append(QStringLiteral("'127.0.0.1:%1'").arg(port));
    QFile config(m_dir.filePath(QStringLiteral("prometheus.yml")));
    if (!config.open(QIODevice::WriteOnly)) {
        m_error = config.errorString();
        return false;
    }
    config.write(QStringLiteral("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                                "scrape_configs:\n  - job_name: nixos\n    static_configs:\n"
                                "      - targets: [%1]\n")
                     .arg(targets.join(QStringLiteral(", ")))
                     .toUtf8());
    config.close();
    m_port = freePort();
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(QStandardPaths::findExecutable(QStringLiteral("prometheus")),
                    {QStringLiteral("--config.file=") + config.fileName(),
                     QStringLiteral("--storage.tsdb.path=") + m_dir.filePath(QStringLiteral("data")),
                     QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_port)});
    if (!m_process.waitForStarted()) {
        m_error = m_process.errorString();
        return false;
    }
    // Prometheus needs a few seconds to start and scrape every target once.
    const QDeadlineTimer deadline(60'000);
    while (!deadline.hasExpired() && m_process.state() == QProcess::Running) {
        if (query(QStringLiteral("up == 1")).size() == exporterPorts.size())
            return true;
        QThread::msleep(200);
    }
    m_error = QStringLiteral("prometheus did not scrape every target: ") + QString::fromUtf8(m_process.readAll().right(2000));
    return false;
}

QJsonArray PrometheusProcess::query(const QString &promql)
{
    QUrl url(QStringLiteral("http://127.0.0.1:%1/api/v1/query").arg(m_port));
    // Percent-encode everything: QUrlQuery leaves '+' as it is, which Prometheus (Go's form
    // parser) reads as a space, so "1 + 1" or a regex ".+" would arrive changed.
    url.setQuery(QStringLiteral("query=") + QString::fromLatin1(QUrl::toPercentEncoding(promql)), QUrl::StrictMode);
    QNetworkReply *reply = m_network.get(QNetworkRequest(url));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    return answer[QStringLiteral("data")][QStringLiteral("result")].toArray();
}
