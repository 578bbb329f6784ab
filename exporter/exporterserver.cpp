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
#include <QRegularExpression>
#include <QLoggingCategory>
#include <QSslServer>
#include <QSslSocket>

#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
#include <QHttpHeaders>
#endif
#if QT_VERSION >= QT_VERSION_CHECK(6, 9, 0)
#include <QHttpServerConfiguration>
#endif

#include <chrono>

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

// QHttpServer (6.4 to 6.11) sends a HEAD response's body as it would a GET's, and a client
// keeping the connection reads those bytes as the start of its next response. So the body is
// left out here. (QHttpServerResponse always sends a Content-Length, 0 then, where HTTP wants
// the GET's length or none; clients read no body after HEAD whatever it says.)
QByteArray bodyFor(const QHttpServerRequest &request, const QByteArray &content)
{
    return request.method() == QHttpServerRequest::Method::Head ? QByteArray() : content;
}

QHttpServerResponse respond(const QHttpServerRequest &request, const QByteArray &mimeType,
                            const QByteArray &content, bool gzipped)
{
    QHttpServerResponse response(mimeType, bodyFor(request, content));
    if (gzipped)
        addHeader(response, "Content-Encoding", "gzip");
    addHeader(response, "Vary", "Accept-Encoding");
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
    return respond(request, mimeType, content, compress);
}

// QHttpServer's handler for paths without a route changed in Qt 6.8 (a context object, the
// responder by reference instead of by rvalue): the one place that knows both. It answers 404
// as QHttpServer's own handler does, and lets the caller count it.
template<typename Counter>
void setNotFoundHandler(QHttpServer &http, QObject *context, Counter counter)
{
    const auto notFound = [counter](QHttpServerResponder &responder) {
        counter();
        responder.write(QHttpServerResponder::StatusCode::NotFound);
    };
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    http.setMissingHandler(context, [notFound](const QHttpServerRequest &, QHttpServerResponder &responder) {
        notFound(responder);
    });
#else
    Q_UNUSED(context);
    http.setMissingHandler([notFound](const QHttpServerRequest &, QHttpServerResponder &&responder) {
        notFound(responder);
    });
#endif
}

// QHttpServer's own limits, where its Qt has them, set to ours so that a client sees the same
// limits on every Qt (README, Limits). The one place that knows which Qt has which:
// - 6.4 to 6.9: none; ConnectionGuard alone enforces them.
// - 6.10: an idle keep-alive timeout (default 15 s, which would close Prometheus' connection
//   between scrapes): set to ours.
// - 6.11: URL, header and body sizes, answered with 414, 431 or 413 (defaults: 64 KiB URL and
//   headers, 48 KiB per field, 128 fields, 32 MiB body): each set to our request size, so
//   that a request within it is never refused for its shape (900 small headers are fine).
//   One beyond it is closed by ConnectionGuard, or answered by Qt first: either way it is
//   never served.
// Qt has no request timeout or connection cap in these versions: ConnectionGuard's, as before.
void applyQtLimits([[maybe_unused]] QHttpServer &http, [[maybe_unused]] const ConnectionLimits &limits)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 10, 0)
    QHttpServerConfiguration config = http.configuration();
    // Whole seconds, rounded up: never shorter than ours, and never 0.
    config.setKeepAliveTimeout(std::chrono::seconds(qMax<qint64>(1, (limits.idleTimeoutMs + 999) / 1000)));
#if QT_VERSION >= QT_VERSION_CHECK(6, 11, 0)
    config.setMaximumUrlSize(limits.maxRequestBytes);
    config.setMaximumTotalHeaderSize(limits.maxRequestBytes);
    config.setMaximumHeaderFieldSize(limits.maxRequestBytes);
    // A field takes at least 4 bytes ("a:" and CRLF): the size limit is the one that bites.
    config.setMaximumHeaderFieldCount(limits.maxRequestBytes / 4);
    config.setMaximumBodySize(limits.maxRequestBytes);
#endif
    http.setConfiguration(config);
#endif
}

qint64 nowSeconds() { return QDateTime::currentSecsSinceEpoch(); }

QHttpServerResponse unauthorized(const QHttpServerRequest &request)
{
    QHttpServerResponse response("text/plain", bodyFor(request, "unauthorized\n"),
                                 QHttpServerResponse::StatusCode::Unauthorized);
    addHeader(response, "WWW-Authenticate", "Basic realm=\"nixos-exporter\"");
    return response;
}

} // namespace

ExporterServer::ExporterServer(const StatusMonitor &monitor, const QList<const Collector *> &collectors,
                               QObject *parent)
    : QObject(parent), m_monitor(monitor), m_collectors(collectors)
{
}

void ExporterServer::setTelemetry(const QString &path, bool exporterMetrics)
{
    m_telemetryPath = path;
    m_exporterMetrics = exporterMetrics;
}

void ExporterServer::addRoutes()
{
    // Routes take every method and answer 405 themselves: QHttpServer would say 404.
    // With basic_auth_users every route asks first (unknown paths get a 404 without asking).
    // Every answer is counted under its route, or "other" for a path without one.
    const QString statusPath = QStringLiteral("/status");
    const QString rootPath = QStringLiteral("/");
    m_requests = HttpRequestCounter({m_telemetryPath, statusPath, rootPath});
    const auto counted = [this](const QString &path, QHttpServerResponse response) {
        m_requests.count(path, int(response.statusCode()));
        return response;
    };
    // QHttpServer takes a route's path as a regular expression: the telemetry path's dots are
    // meant literally.
    m_http.route(QRegularExpression::escape(m_telemetryPath), [this, counted](const QHttpServerRequest &r) {
        return counted(m_telemetryPath, authorized(r) ? metrics(r) : unauthorized(r));
    });
    m_http.route(statusPath, [this, counted, statusPath](const QHttpServerRequest &r) {
        return counted(statusPath, authorized(r) ? status(r) : unauthorized(r));
    });
    m_http.route(rootPath, [this, counted, rootPath](const QHttpServerRequest &r) {
        return counted(rootPath, authorized(r) ? landingPage(r) : unauthorized(r));
    });
    setNotFoundHandler(m_http, this, [this] { m_requests.count(HttpRequestCounter::OtherPath, 404); });
}

bool ExporterServer::setWebConfig(const WebConfig &config, QString *error)
{
    if (config.tls) {
        m_ssl = config.sslConfiguration(error);
        if (!m_ssl)
            return false;
    }
    m_webConfig = config;
    m_auth = BasicAuthenticator(config.basicAuthUsers);
    return true;
}

bool ExporterServer::reloadWebConfig(const WebConfig &config, QString *error)
{
    // The sockets listen as they were told at start.
    if (config.tls.has_value() != m_ssl.has_value()) {
        *error = config.tls ? QStringLiteral("tls_server_config was added: serving HTTPS instead of HTTP needs a restart")
                            : QStringLiteral("tls_server_config was removed: serving HTTP instead of HTTPS needs a restart");
        return false;
    }
    std::optional<QSslConfiguration> ssl;
    if (config.tls && !(ssl = config.sslConfiguration(error)))
        return false;
    // The same users keep their cache of successful checks; any change drops it, so a
    // removed user or a changed password is refused from now on.
    if (!m_webConfig || m_webConfig->basicAuthUsers != config.basicAuthUsers)
        m_auth = BasicAuthenticator(config.basicAuthUsers);
    m_webConfig = config;
    m_ssl = ssl;
    // New connections get the new certificate, key, client CA and verify mode; established
    // ones keep what they were handshaken with.
    for (const QPointer<QSslServer> &server : std::as_const(m_sslServers)) {
        if (server)
            server->setSslConfiguration(*m_ssl);
    }
    return true;
}

bool ExporterServer::authorized(const QHttpServerRequest &request)
{
    return m_auth.authorize(request.value("Authorization"));
}

QTcpServer *ExporterServer::createServer()
{
    if (!m_ssl)
        return new GuardedServer<QTcpServer>(m_limits);
    auto *server = new GuardedServer<QSslServer>(m_limits);
    server->setSslConfiguration(*m_ssl);
    m_sslServers.append(server);
    // The client certificate rules Qt has no mode for, by the config in use now (a reload of
    // the web config may change it).
    const auto clientAuth = [this] { return m_webConfig->tls->clientAuth; };
    // RequireAnyClientCert: Qt has no mode that requires a certificate without verifying it;
    // ask for one (QueryPeer) and refuse the connection without one.
    server->accept = [clientAuth](QTcpSocket *socket) {
        return clientAuth() != WebConfig::ClientAuth::RequireAnyClientCert
               || !static_cast<QSslSocket *>(socket)->peerCertificate().isNull();
    };
    // VerifyClientCertIfGiven: QueryPeer verifies a given certificate but goes on regardless;
    // stop it here.
    connect(server, &QSslServer::sslErrors, server,
            [clientAuth](QSslSocket *socket, const QList<QSslError> &errors) {
                if (clientAuth() == WebConfig::ClientAuth::VerifyClientCertIfGiven && !errors.isEmpty()
                    && !socket->peerCertificate().isNull()) {
                    qCInfo(lcHttp) << "client certificate refused:" << errors.first().errorString();
                    socket->abort();
                }
            });
    connect(server, &QSslServer::errorOccurred, server, [](QSslSocket *socket, QAbstractSocket::SocketError) {
        qCDebug(lcHttp) << "TLS connection failed:" << socket->errorString();
    });
    return server;
}

bool ExporterServer::listen(const ListenAddress &address, QString *error)
{
    // Listening on our own QTcpServer and bind()ing it works on Qt 6.4 and 6.8 alike.
    QTcpServer *server = createServer();
    if (!server->listen(address.host, address.port)) {
        *error = QStringLiteral("cannot listen on %1: %2").arg(address.toString(), server->errorString());
        delete server;
        return false;
    }
    bindServer(server);
    return true;
}

QList<quint16> ExporterServer::ports() const
{
    QList<quint16> ports;
    for (const QTcpServer *server : m_servers)
        ports.append(server->serverPort());
    return ports;
}

bool ExporterServer::listenOnDescriptor(qintptr descriptor, QString *error)
{
    QTcpServer *server = createServer();
    if (!server->setSocketDescriptor(descriptor)) {
        *error = QStringLiteral("cannot use socket %1: %2").arg(descriptor).arg(server->errorString());
        delete server;
        return false;
    }
    bindServer(server);
    return true;
}

void ExporterServer::bindServer(QTcpServer *server)
{
    if (!m_routed) {
        addRoutes();
        m_routed = true;
    }
    applyQtLimits(m_http, m_limits);
    // bind() returns bool from Qt 6.8 (void before); it fails only for a server that is not
    // listening, and ours is.
    m_http.bind(server);
    m_servers.append(server);
}

QHttpServerResponse ExporterServer::metrics(const QHttpServerRequest &request) const
{
    if (!isReadMethod(request))
        return methodNotAllowed();
    const Snapshot &snapshot = m_monitor.snapshot();
    const qint64 now = nowSeconds();
    MetricsCache &cache = m_metricsCache;
    if (cache.now != now || !(cache.snapshot == snapshot))
        cache = {snapshot, now, MetricsRenderer::render(snapshot, m_collectors, now, m_collectorOptions), {}};
    static const QByteArray mimeType = "text/plain; version=0.0.4; charset=utf-8";
    if (!m_exporterMetrics)
        return reply(request, mimeType, cache.body, &cache.gzip.whole);
    // The exporter's own metrics are read and rendered for each request, after the cached body:
    // never a second old, and only they are compressed per request.
    const QByteArray tail = MetricsRenderer::renderExporter(ProcessMetrics::read(), m_requests);
    if (!Gzip::accepted(request.value("Accept-Encoding")))
        return respond(request, mimeType, cache.body + tail, false);
    if (cache.gzip.prefix.stream.isEmpty())
        cache.gzip.prefix = Gzip::compressPrefix(cache.body);
    return respond(request, mimeType, Gzip::finish(cache.gzip.prefix, tail), true);
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
    return reply(request, "text/html; charset=utf-8", LandingPage::html(names, m_telemetryPath));
}
