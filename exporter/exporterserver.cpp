// SPDX-License-Identifier: MIT
#include "exporterserver.h"

#include "assessment.h"
#include "gzip.h"
#include "landingpage.h"
#include "metricsrenderer.h"
#include "statusjson.h"
#include "statusmonitor.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>

#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
#include <QHttpHeaders>
#endif

Q_LOGGING_CATEGORY(lcHttp, "nixos.exporter.http", QtInfoMsg)

namespace {

// QHttpServerResponse's header API changed in Qt 6.8 (QHttpHeaders); this is the one place
// that knows both.
void addHeader(QHttpServerResponse &response, const QByteArray &name, const QByteArray &value)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    QHttpHeaders headers = response.headers();
    headers.append(name, value);
    response.setHeaders(std::move(headers));
#else
    response.addHeader(name, value);
#endif
}

bool isReadMethod(const QHttpServerRequest &request)
{
    return request.method() == QHttpServerRequest::Method::Get
           || request.method() == QHttpServerRequest::Method::Head;
}

QHttpServerResponse methodNotAllowed()
{
    QHttpServerResponse response("text/plain", "method not allowed\n",
                                 QHttpServerResponse::StatusCode::MethodNotAllowed);
    addHeader(response, "Allow", "GET, HEAD");
    return response;
}

// The body, gzipped when the client accepts it. With gzipCache (the gzip form of this body,
// empty until first needed) it is compressed at most once.
QHttpServerResponse reply(const QHttpServerRequest &request, const QByteArray &mimeType,
                          const QByteArray &body, QByteArray *gzipCache = nullptr)
{
    const bool compress = Gzip::accepted(request.value("Accept-Encoding"));
    QByteArray content = body;
    if (compress && gzipCache) {
        if (gzipCache->isEmpty())
            *gzipCache = Gzip::compress(body);
        content = *gzipCache;
    } else if (compress) {
        content = Gzip::compress(body);
    }
    QHttpServerResponse response(mimeType, content);
    if (compress)
        addHeader(response, "Content-Encoding", "gzip");
    addHeader(response, "Vary", "Accept-Encoding");
    return response;
}

qint64 nowSeconds() { return QDateTime::currentSecsSinceEpoch(); }

} // namespace

ExporterServer::ExporterServer(const StatusMonitor &monitor, const QList<const Collector *> &collectors,
                               QObject *parent)
    : QObject(parent), m_monitor(monitor), m_collectors(collectors)
{
    // Routes take every method and answer 405 themselves: QHttpServer would say 404.
    m_http.route(QStringLiteral("/metrics"), [this](const QHttpServerRequest &r) { return metrics(r); });
    m_http.route(QStringLiteral("/status"), [this](const QHttpServerRequest &r) { return status(r); });
    m_http.route(QStringLiteral("/"), [this](const QHttpServerRequest &r) { return landingPage(r); });
}

bool ExporterServer::listen(const ListenAddress &address, QString *error)
{
    // Listening on our own QTcpServer and bind()ing it works on Qt 6.4 and 6.8 alike.
    if (!m_tcp.listen(address.host, address.port)) {
        *error = QStringLiteral("cannot listen on %1: %2").arg(address.toString(), m_tcp.errorString());
        return false;
    }
    m_http.bind(&m_tcp);
    return true;
}

QHttpServerResponse ExporterServer::metrics(const QHttpServerRequest &request) const
{
    if (!isReadMethod(request))
        return methodNotAllowed();
    const Snapshot &snapshot = m_monitor.snapshot();
    const qint64 now = nowSeconds();
    MetricsCache &cache = m_metricsCache;
    if (cache.now != now || !(cache.snapshot == snapshot))
        cache = {snapshot, now, MetricsRenderer::render(snapshot, m_collectors, now), {}};
    return reply(request, "text/plain; version=0.0.4; charset=utf-8", cache.body, &cache.gzip);
}

QHttpServerResponse ExporterServer::status(const QHttpServerRequest &request) const
{
    if (!isReadMethod(request))
        return methodNotAllowed();
    const qint64 now = nowSeconds();
    const Snapshot &snapshot = m_monitor.snapshot();
    const QJsonObject json = StatusJson::toJson(snapshot, Assessment::of(snapshot, m_thresholds, now), now);
    return reply(request, "application/json", QJsonDocument(json).toJson(QJsonDocument::Indented));
}

QHttpServerResponse ExporterServer::landingPage(const QHttpServerRequest &request) const
{
    if (!isReadMethod(request))
        return methodNotAllowed();
    QStringList names;
    for (const Collector *collector : m_collectors)
        names.append(collector->name);
    return reply(request, "text/html; charset=utf-8", LandingPage::html(names));
}
