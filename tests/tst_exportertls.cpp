// SPDX-License-Identifier: MIT
// nixos-exporter with --web.config.file, as a process: HTTPS with a certificate made here by
// openssl, client certificate modes, minimum TLS version, basic auth with bcrypt hashes; the
// file read again while serving (certificate rotation, users, a broken file).
#include "exporterprocess.h"
#include "goldenfixture.h"
#include "requiredtool.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

#include <crypt.h>

using namespace Qt::StringLiterals;

namespace {

QByteArray bcrypt(const QByteArray &password, int cost = 4)
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$2y$", cost, nullptr, 0, salt, sizeof salt))
        return {};
    crypt_data data{};
    const char *hash = crypt_r(password.constData(), salt, &data);
    return hash && hash[0] == '$' ? QByteArray(hash) : QByteArray();
}

struct HttpsReply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    QByteArray body;
    QByteArray wwwAuthenticate;
    QSslCertificate peer;  // the certificate the server presented
};

// Replaces a file or link by rename, as editors, secret tools and certbot do.
bool replaceByRename(const QString &name, const QByteArray &contents)
{
    QFile file(name + u".new"_s);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(contents) != contents.size())
        return false;
    file.close();
    return std::rename(QFile::encodeName(file.fileName()).constData(), QFile::encodeName(name).constData()) == 0;
}

bool relink(const QString &link, const QString &target)
{
    QFile::remove(link + u".new"_s);
    return QFile::link(target, link + u".new"_s)
           && std::rename(QFile::encodeName(link + u".new"_s).constData(), QFile::encodeName(link).constData()) == 0;
}

QByteArray readAll(const QString &name)
{
    QFile file(name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

enum class ClientCert { None, Trusted, Untrusted };

// Longer than the exporter's debounce of web config changes.
constexpr int WebConfigSettleMs = 600;

} // namespace

class TestExporterTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void httpsScrape();
    void plainHttpToTlsPortFails();
    void clientCertificates_data();
    void clientCertificates();
    void minimumVersion();
    void basicAuth();
    void basicAuthOverHttps();
    void badWebConfigExits();
    void unreadableKeyExits();
    void certificateRotation();
    void usersAddedAndRemoved();
    void brokenFileKeepsTheLastGoodOne();

private:
    bool openssl(const QStringList &arguments);
    QString path(const QString &name) const { return m_pki.filePath(name); }
    QString writeWebConfig(const QByteArray &text);
    bool start(const QByteArray &webConfig);
    HttpsReply get(const QString &scheme, ClientCert cert = ClientCert::None,
                   QSsl::SslProtocol protocol = QSsl::SecureProtocols,
                   const QByteArray &authorization = {});

    QTemporaryDir m_pki;
    QString m_openssl;
    FixtureTree *m_tree = nullptr;
    ExporterProcess *m_exporter = nullptr;
    QNetworkAccessManager *m_network = nullptr;
};

bool TestExporterTls::openssl(const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(m_pki.path());
    process.start(m_openssl, arguments);
    if (!process.waitForFinished(30'000) || process.exitCode() != 0) {
        qWarning("openssl %s: %s", qPrintable(arguments.join(u' ')), process.readAllStandardError().constData());
        return false;
    }
    return true;
}

void TestExporterTls::initTestCase()
{
    NIXOS_REQUIRE_TOOL(m_openssl, "openssl", "openssl", "openssl");
    QVERIFY(QSslSocket::supportsSsl());
    QFile ext(path(u"server.ext"_s));
    QVERIFY(ext.open(QIODevice::WriteOnly));
    ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    ext.close();
    // A CA, a server certificate it signs, a client certificate it signs, and a self-signed
    // client certificate nobody trusts.
    const QString days = u"2"_s;
    QVERIFY(openssl({u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-keyout"_s, u"ca.key"_s,
                     u"-out"_s, u"ca.crt"_s, u"-days"_s, days, u"-subj"_s, u"/CN=nixos-exporter test CA"_s}));
    for (const QString &name : {u"server"_s, u"server2"_s, u"client"_s}) {
        QVERIFY(openssl({u"req"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s, u"ec_paramgen_curve:prime256v1"_s,
                         u"-nodes"_s, u"-keyout"_s, name + u".key"_s, u"-out"_s, name + u".csr"_s, u"-subj"_s,
                         u"/CN="_s + name}));
        QStringList sign{u"x509"_s, u"-req"_s, u"-in"_s, name + u".csr"_s, u"-CA"_s, u"ca.crt"_s, u"-CAkey"_s,
                         u"ca.key"_s, u"-CAcreateserial"_s, u"-out"_s, name + u".crt"_s, u"-days"_s, days};
        if (name.startsWith(u"server"_s))
            sign << u"-extfile"_s << u"server.ext"_s;
        QVERIFY(openssl(sign));
    }
    QVERIFY(openssl({u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-keyout"_s, u"rogue.key"_s,
                     u"-out"_s, u"rogue.crt"_s, u"-days"_s, days, u"-subj"_s, u"/CN=rogue"_s}));
}

void TestExporterTls::init()
{
    m_tree = new FixtureTree;
    GoldenFixture::build(*m_tree);
    m_exporter = new ExporterProcess;
    m_network = new QNetworkAccessManager;
}

void TestExporterTls::cleanup()
{
    delete m_network;
    delete m_exporter;
    delete m_tree;
}

QString TestExporterTls::writeWebConfig(const QByteArray &text)
{
    const QString name = path(u"web.yml"_s);
    QFile file(name);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write(text);
    return name;
}

bool TestExporterTls::start(const QByteArray &webConfig)
{
    const bool started = m_exporter->start({u"--root"_s, m_tree->root(), u"--web.config.file"_s, writeWebConfig(webConfig)});
    if (!started)
        qWarning("exporter did not start: %s", qPrintable(m_exporter->error()));
    return started;
}

HttpsReply TestExporterTls::get(const QString &scheme, ClientCert cert, QSsl::SslProtocol protocol,
                                const QByteArray &authorization)
{
    QNetworkRequest request(QUrl(u"%1://127.0.0.1:%2/metrics"_s.arg(scheme).arg(m_exporter->port())));
    request.setRawHeader("Accept-Encoding", "identity");
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(QSslCertificate::fromPath(path(u"ca.crt"_s)));
    ssl.setProtocol(protocol);
    if (cert != ClientCert::None) {
        const QString name = cert == ClientCert::Trusted ? u"client"_s : u"rogue"_s;
        QFile key(path(name + u".key"_s));
        if (!key.open(QIODevice::ReadOnly))
            qWarning("cannot read %s: %s", qPrintable(key.fileName()), qPrintable(key.errorString()));
        ssl.setLocalCertificate(QSslCertificate::fromPath(path(name + u".crt"_s)).value(0));
        ssl.setPrivateKey(QSslKey(key.readAll(), cert == ClientCert::Trusted ? QSsl::Ec : QSsl::Rsa));
    }
    request.setSslConfiguration(ssl);
    // Each request on a connection of its own: a new handshake every time.
    request.setRawHeader("Connection", "close");
    request.setTransferTimeout(10'000);
    QNetworkReply *reply = m_network->get(request);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    HttpsReply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.error = reply->error();
    result.errorString = reply->errorString();
    result.body = reply->readAll();
    result.wwwAuthenticate = reply->rawHeader("WWW-Authenticate");
    result.peer = reply->sslConfiguration().peerCertificate();
    reply->deleteLater();
    m_network->clearConnectionCache();
    return result;
}

void TestExporterTls::httpsScrape()
{
    QVERIFY(start("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"));
    const HttpsReply reply = get(u"https"_s);
    QVERIFY2(reply.error == QNetworkReply::NoError, qPrintable(reply.errorString));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.body.contains("\nnixos_current_generation 47\n"));
}

void TestExporterTls::plainHttpToTlsPortFails()
{
    QVERIFY(start("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"));
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_exporter->port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray answer;
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(6000))
        answer += socket.readAll();
    answer += socket.readAll();
    QVERIFY2(!answer.contains("nixos_"), answer.constData());
    QVERIFY(!answer.startsWith("HTTP/1.1 200"));
    QCOMPARE(socket.state(), QAbstractSocket::UnconnectedState);  // the server hung up
    // And HTTPS still works.
    QCOMPARE(get(u"https"_s).status, 200);
    // A plain http:// client gets an error, not metrics.
    const HttpsReply plain = get(u"http"_s);
    QVERIFY(plain.status != 200);
}

void TestExporterTls::clientCertificates_data()
{
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<bool>("none");
    QTest::addColumn<bool>("trusted");
    QTest::addColumn<bool>("untrusted");
    QTest::newRow("NoClientCert") << "NoClientCert"_ba << true << true << true;
    QTest::newRow("RequestClientCert") << "RequestClientCert"_ba << true << true << true;
    QTest::newRow("RequireAnyClientCert") << "RequireAnyClientCert"_ba << false << true << true;
    QTest::newRow("VerifyClientCertIfGiven") << "VerifyClientCertIfGiven"_ba << true << true << false;
    QTest::newRow("RequireAndVerifyClientCert") << "RequireAndVerifyClientCert"_ba << false << true << false;
}

void TestExporterTls::clientCertificates()
{
    QFETCH(QByteArray, type);
    QFETCH(bool, none);
    QFETCH(bool, trusted);
    QFETCH(bool, untrusted);
    QByteArray config = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                        "  client_auth_type: " + type + "\n";
    if (type.contains("Verify"))
        config += "  client_ca_file: ca.crt\n";
    QVERIFY(start(config));
    const auto check = [this](ClientCert cert, bool expected, const char *what) {
        const HttpsReply reply = get(u"https"_s, cert);
        QVERIFY2((reply.status == 200) == expected,
                 qPrintable(u"%1: status %2, %3"_s.arg(QLatin1String(what)).arg(reply.status).arg(reply.errorString)));
    };
    check(ClientCert::None, none, "no client certificate");
    check(ClientCert::Trusted, trusted, "certificate signed by client_ca_file");
    check(ClientCert::Untrusted, untrusted, "self-signed certificate");
    // Refused handshakes leave the server serving.
    check(ClientCert::Trusted, true, "again, signed");
}

void TestExporterTls::minimumVersion()
{
    QVERIFY(start("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS13\n"));
    const HttpsReply tls12 = get(u"https"_s, ClientCert::None, QSsl::TlsV1_2);
    QCOMPARE(tls12.status, 0);
    QVERIFY(tls12.error != QNetworkReply::NoError);
    QCOMPARE(get(u"https"_s, ClientCert::None, QSsl::TlsV1_3).status, 200);
    m_exporter->process().terminate();
    m_exporter->process().waitForFinished();
    delete m_exporter;
    m_exporter = new ExporterProcess;
    // The default, TLS12, takes 1.2 and 1.3.
    QVERIFY(start("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"));
    QCOMPARE(get(u"https"_s, ClientCert::None, QSsl::TlsV1_2).status, 200);
    QCOMPARE(get(u"https"_s, ClientCert::None, QSsl::TlsV1_3).status, 200);
}

void TestExporterTls::basicAuth()
{
    QVERIFY(start("basic_auth_users:\n  prometheus: " + bcrypt("scrape me") + "\n  other: " + bcrypt("x") + "\n"));
    const QByteArray right = "Basic " + "prometheus:scrape me"_ba.toBase64();
    const QByteArray wrong = "Basic " + "prometheus:scrape you"_ba.toBase64();
    const QByteArray unknown = "Basic " + "nobody:scrape me"_ba.toBase64();

    const ExporterProcess::Reply missing = m_exporter->get(u"/metrics"_s);
    QCOMPARE(missing.status, 401);
    QCOMPARE(missing.header("WWW-Authenticate"), "Basic realm=\"nixos-exporter\""_ba);
    QVERIFY(!missing.body.contains("nixos_"));
    for (const QByteArray &header : {wrong, unknown, "Basic !!"_ba, "Bearer abc"_ba}) {
        const ExporterProcess::Reply reply = m_exporter->request("GET", u"/metrics"_s, {{"Authorization", header}});
        QCOMPARE(reply.status, 401);
        QCOMPARE(reply.header("WWW-Authenticate"), "Basic realm=\"nixos-exporter\""_ba);
    }
    const ExporterProcess::Reply ok = m_exporter->request("GET", u"/metrics"_s, {{"Authorization", right}});
    QCOMPARE(ok.status, 200);
    QVERIFY(ok.body.contains("\nnixos_current_generation 47\n"));
    // Every route asks, and before the method check.
    for (const QString &route : {u"/status"_s, u"/"_s}) {
        QCOMPARE(m_exporter->get(route).status, 401);
        QCOMPARE(m_exporter->request("GET", route, {{"Authorization", right}}).status, 200);
    }
    QCOMPARE(m_exporter->request("POST", u"/metrics"_s).status, 401);
    QCOMPARE(m_exporter->request("POST", u"/metrics"_s, {{"Authorization", right}}).status, 405);
}

void TestExporterTls::basicAuthOverHttps()
{
    QVERIFY(start("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                  "basic_auth_users:\n  prometheus: " + bcrypt("pw", 10) + "\n"));
    const HttpsReply missing = get(u"https"_s);
    QCOMPARE(missing.status, 401);
    QCOMPARE(missing.wwwAuthenticate, "Basic realm=\"nixos-exporter\""_ba);
    const QByteArray right = "Basic " + "prometheus:pw"_ba.toBase64();
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(get(u"https"_s, ClientCert::None, QSsl::SecureProtocols, right).status, 200);
    const qint64 first = timer.restart();
    for (int i = 0; i < 10; ++i)
        QCOMPARE(get(u"https"_s, ClientCert::None, QSsl::SecureProtocols, right).status, 200);
    qInfo("https scrape with basic auth (bcrypt cost 10): first %lld ms, then %.1f ms each (cached, new TLS handshake each)",
          first, timer.elapsed() / 10.0);
}

void TestExporterTls::badWebConfigExits()
{
    const QString config = writeWebConfig("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                                          "  client_auth: RequireAndVerifyClientCert\n");
    QProcess process;
    process.start(ExporterProcess::binary(), {u"--web.config.file"_s, config});
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitCode(), 2);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.startsWith(u"nixos-exporter: %1:4: unknown key \"client_auth\" in tls_server_config"_s.arg(config)),
             qPrintable(error));
}

void TestExporterTls::unreadableKeyExits()
{
    const QString config = writeWebConfig("tls_server_config:\n  cert_file: server.crt\n  key_file: missing.key\n");
    QProcess process;
    process.start(ExporterProcess::binary(), {u"--root"_s, m_tree->root(), u"--web.config.file"_s, config,
                                              u"--listen=127.0.0.1:0"_s});
    QVERIFY(process.waitForFinished(10'000));
    QCOMPARE(process.exitCode(), 1);
    const QString error = QString::fromUtf8(process.readAllStandardError());
    QVERIFY2(error.startsWith(u"nixos-exporter: key_file %1: "_s.arg(path(u"missing.key"_s))), qPrintable(error));
}

// New connections get a new certificate and key within a bounded wait, whether the files are
// replaced by rename or a link is pointed at new ones (certbot's live/ -> archive/).
void TestExporterTls::certificateRotation()
{
    QVERIFY(QDir(m_pki.path()).mkpath(u"live"_s));
    const QString cert = path(u"live/cert.pem"_s);
    const QString key = path(u"live/key.pem"_s);
    QVERIFY(relink(cert, path(u"server.crt"_s)));
    QVERIFY(relink(key, path(u"server.key"_s)));
    QVERIFY(start("tls_server_config:\n  cert_file: live/cert.pem\n  key_file: live/key.pem\n"));
    const QSslCertificate first = QSslCertificate::fromPath(path(u"server.crt"_s)).value(0);
    const QSslCertificate second = QSslCertificate::fromPath(path(u"server2.crt"_s)).value(0);
    QVERIFY(!first.isNull() && !second.isNull() && first != second);
    QCOMPARE(get(u"https"_s).peer, first);

    // certbot: the links point at the new files.
    QElapsedTimer timer;
    timer.start();
    QVERIFY(relink(cert, path(u"server2.crt"_s)));
    QVERIFY(relink(key, path(u"server2.key"_s)));
    QTRY_COMPARE_WITH_TIMEOUT(get(u"https"_s).peer, second, 5000);
    qInfo("new certificate served %lld ms after the links changed", timer.elapsed());
    HttpsReply reply = get(u"https"_s);
    QCOMPARE(reply.status, 200);

    // An editor or a secret tool: plain files replaced by rename.
    QVERIFY(QFile::remove(cert) && QFile::remove(key));
    QVERIFY(replaceByRename(cert, readAll(path(u"server2.crt"_s))));
    QVERIFY(replaceByRename(key, readAll(path(u"server2.key"_s))));
    QTest::qWait(WebConfigSettleMs);
    timer.restart();
    QVERIFY(replaceByRename(cert, readAll(path(u"server.crt"_s))));
    QVERIFY(replaceByRename(key, readAll(path(u"server.key"_s))));
    QTRY_COMPARE_WITH_TIMEOUT(get(u"https"_s).peer, first, 5000);
    qInfo("new certificate served %lld ms after the files were replaced", timer.elapsed());
    QCOMPARE(get(u"https"_s).status, 200);
    const QByteArray log = m_exporter->process().readAllStandardError();
    QVERIFY2(log.contains("level=info logger=nixos.exporter.webconfig msg=\"web config"), log.constData());
    QVERIFY2(!log.contains("level=warn"), log.constData());
}

// Users added and removed take effect without a restart; a removed user's cached success
// goes with it.
void TestExporterTls::usersAddedAndRemoved()
{
    const QByteArray prometheus = "  prometheus: " + bcrypt("scrape me") + "\n";
    const QByteArray grafana = "  grafana: " + bcrypt("look") + "\n";
    QVERIFY(start("basic_auth_users:\n" + prometheus));
    const QByteArray asPrometheus = "Basic " + "prometheus:scrape me"_ba.toBase64();
    const QByteArray asGrafana = "Basic " + "grafana:look"_ba.toBase64();
    const auto status = [this](const QByteArray &authorization) {
        return m_exporter->request("GET", u"/metrics"_s, {{"Authorization", authorization}}).status;
    };
    QCOMPARE(status(asPrometheus), 200);
    QCOMPARE(status(asGrafana), 401);

    QVERIFY(replaceByRename(path(u"web.yml"_s), "basic_auth_users:\n" + prometheus + grafana));
    QTRY_COMPARE_WITH_TIMEOUT(status(asGrafana), 200, 5000);
    QCOMPARE(status(asPrometheus), 200);

    // Written in place this time, as some editors and `cat >` do.
    QVERIFY(!writeWebConfig("basic_auth_users:\n" + grafana).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(status(asPrometheus), 401, 5000);
    QCOMPARE(status(asGrafana), 200);
}

// A broken new file changes nothing: the last good config serves on, and the log says why,
// once. A good file after it is taken.
void TestExporterTls::brokenFileKeepsTheLastGoodOne()
{
    const QByteArray good = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                            "basic_auth_users:\n  prometheus: " + bcrypt("pw") + "\n";
    const QByteArray right = "Basic " + "prometheus:pw"_ba.toBase64();
    QVERIFY(start(good));
    const QSslCertificate first = QSslCertificate::fromPath(path(u"server.crt"_s)).value(0);
    QCOMPARE(get(u"https"_s, ClientCert::None, QSsl::SecureProtocols, right).status, 200);
    QByteArray log;
    const auto warnings = [&log, this] {
        log += m_exporter->process().readAllStandardError();
        return log.count("level=warn logger=nixos.exporter.webconfig");
    };

    // Bad YAML.
    QVERIFY(replaceByRename(path(u"web.yml"_s), "tls_server_config:\n  cert_file: [server2.crt\n"));
    QTRY_COMPARE_WITH_TIMEOUT(warnings(), 1, 5000);
    QVERIFY2(log.contains(("not reloaded, the last good one stays in use: " + path(u"web.yml"_s) + u":"_s).toUtf8()),
             log.constData());
    for (int i = 0; i < 3; ++i) {
        const HttpsReply reply = get(u"https"_s, ClientCert::None, QSsl::SecureProtocols, right);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.peer, first);
    }
    QCOMPARE(get(u"https"_s).status, 401);  // the users are still asked for

    // A key that cannot be read.
    QVERIFY(replaceByRename(path(u"web.yml"_s), "tls_server_config:\n  cert_file: server2.crt\n  key_file: missing.key\n"));
    QTRY_COMPARE_WITH_TIMEOUT(warnings(), 2, 5000);
    QVERIFY2(log.contains(("key_file " + path(u"missing.key"_s) + u": "_s).toUtf8()), log.constData());
    // No TLS at all: the socket cannot change its kind while it listens.
    QVERIFY(replaceByRename(path(u"web.yml"_s), "basic_auth_users:\n  prometheus: " + bcrypt("pw") + "\n"));
    QTRY_COMPARE_WITH_TIMEOUT(warnings(), 3, 5000);
    QVERIFY2(log.contains("tls_server_config was removed: serving HTTP instead of HTTPS needs a restart"), log.constData());
    // The same broken file, however often it is looked at, is one warning.
    QTest::qWait(WebConfigSettleMs);
    QCOMPARE(warnings(), 3);
    {
        const HttpsReply reply = get(u"https"_s, ClientCert::None, QSsl::SecureProtocols, right);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.peer, first);
    }

    // Fixed: the new certificate, and no user asked for.
    QVERIFY(replaceByRename(path(u"web.yml"_s), "tls_server_config:\n  cert_file: server2.crt\n  key_file: server2.key\n"));
    const QSslCertificate second = QSslCertificate::fromPath(path(u"server2.crt"_s)).value(0);
    QTRY_COMPARE_WITH_TIMEOUT(get(u"https"_s).peer, second, 5000);
    QCOMPARE(get(u"https"_s).status, 200);
    QTRY_VERIFY_WITH_TIMEOUT((log += m_exporter->process().readAllStandardError()).contains("msg=\"web config " + path(u"web.yml"_s).toUtf8() + " reloaded\""), 2000);
    QCOMPARE(warnings(), 3);
}

QTEST_GUILESS_MAIN(TestExporterTls)
#include "tst_exportertls.moc"
