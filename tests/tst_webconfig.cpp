// SPDX-License-Identifier: MIT
// --web.config.file: the exporter-toolkit format, basic auth header parsing, bcrypt checks
// and their cache.
#include "basicauth.h"
#include "webconfig.h"

#include <QElapsedTimer>
#include <QSslConfiguration>
#include <QTest>

#include <crypt.h>

using namespace Qt::StringLiterals;

namespace {

const QString ConfigName = u"/etc/nixos-exporter/web.yml"_s;

// A bcrypt hash of password made here with libxcrypt, prefix "$2b$" or "$2y$" or "$2a$".
QByteArray bcrypt(const QByteArray &password, const char *prefix = "$2b$", int cost = 4)
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn(prefix, cost, nullptr, 0, salt, sizeof salt))
        return {};
    crypt_data data{};
    const char *hash = crypt_r(password.constData(), salt, &data);
    return hash && hash[0] == '$' ? QByteArray(hash) : QByteArray();
}

} // namespace

class TestWebConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parseAuthorization_data();
    void parseAuthorization();
    void constantTime();
    void bcryptVariants();
    void hashShape();
    void authenticatorChecks();
    void cacheMakesRepeatsCheap();
    void cacheIsBounded();
    void loadsTheDocumentedExample();
    void emptyFileIsPlainHttpWithoutAuth();
    void errorsNameFileLineAndKey_data();
    void errorsNameFileLineAndKey();
    void sslConfigurationModes();
    void missingCertificateFile();
};

void TestWebConfig::parseAuthorization_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("password");
    const QByteArray userPass = QByteArray("prom:secret").toBase64();
    QTest::newRow("plain") << "Basic " + userPass << true << "prom"_ba << "secret"_ba;
    QTest::newRow("scheme case") << "bAsIc " + userPass << true << "prom"_ba << "secret"_ba;
    QTest::newRow("spaces") << "  Basic   " + userPass + "  " << true << "prom"_ba << "secret"_ba;
    QTest::newRow("colon in password") << "Basic " + "a:b:c"_ba.toBase64() << true << "a"_ba << "b:c"_ba;
    QTest::newRow("empty password") << "Basic " + "a:"_ba.toBase64() << true << "a"_ba << ""_ba;
    QTest::newRow("utf-8") << "Basic " + "jürgen:pässwörd"_ba.toBase64() << true << "jürgen"_ba << "pässwörd"_ba;
    QTest::newRow("empty") << ""_ba << false << ""_ba << ""_ba;
    QTest::newRow("scheme only") << "Basic"_ba << false << ""_ba << ""_ba;
    QTest::newRow("scheme and space") << "Basic "_ba << false << ""_ba << ""_ba;
    QTest::newRow("no space") << "Basic" + userPass << false << ""_ba << ""_ba;
    QTest::newRow("bearer") << "Bearer " + userPass << false << ""_ba << ""_ba;
    QTest::newRow("basically") << "Basically " + userPass << false << ""_ba << ""_ba;
    QTest::newRow("no colon") << "Basic " + "promsecret"_ba.toBase64() << false << ""_ba << ""_ba;
    QTest::newRow("not base64") << "Basic prom:secret"_ba << false << ""_ba << ""_ba;
    QTest::newRow("base64url") << "Basic " + "a:?\x3F>"_ba.toBase64(QByteArray::Base64UrlEncoding) << false << ""_ba << ""_ba;
    QTest::newRow("unpadded") << "Basic " + "ab:c"_ba.toBase64(QByteArray::OmitTrailingEquals) << false << ""_ba << ""_ba;
    QTest::newRow("bad padding") << "Basic " + "a:bc"_ba.toBase64(QByteArray::OmitTrailingEquals) + "="
                                 << false << ""_ba << ""_ba;
    QTest::newRow("padding inside") << "Basic YQ==YQ=="_ba << false << ""_ba << ""_ba;
    QTest::newRow("two tokens") << "Basic " + userPass + " " + userPass << false << ""_ba << ""_ba;
    QTest::newRow("huge") << "Basic " + QByteArray(8192, 'A') << false << ""_ba << ""_ba;
    QTest::newRow("nul in password") << "Basic " + QByteArray("a:b\0c", 5).toBase64() << true << "a"_ba
                                     << QByteArray("b\0c", 3);
}

void TestWebConfig::parseAuthorization()
{
    QFETCH(QByteArray, header);
    QFETCH(bool, valid);
    const std::optional<Credentials> credentials = parseBasicAuthorization(header);
    QCOMPARE(credentials.has_value(), valid);
    if (valid) {
        QFETCH(QByteArray, user);
        QFETCH(QByteArray, password);
        QCOMPARE(credentials->user, user);
        QCOMPARE(credentials->password, password);
    }
}

void TestWebConfig::constantTime()
{
    QVERIFY(constantTimeEquals("abc", "abc"));
    QVERIFY(!constantTimeEquals("abc", "abd"));
    QVERIFY(!constantTimeEquals("abc", "ab"));
    QVERIFY(constantTimeEquals("", ""));
}

void TestWebConfig::bcryptVariants()
{
    // libxcrypt checks all three bcrypt prefixes htpasswd, Python and Go write.
    for (const char *prefix : {"$2b$", "$2y$", "$2a$"}) {
        const QByteArray hash = bcrypt("secret", prefix);
        QVERIFY2(hash.startsWith(prefix), hash.constData());
        QVERIFY(BasicAuthenticator::isBcryptHash(hash));
        QVERIFY(BasicAuthenticator::bcryptMatches("secret", hash));
        QVERIFY(!BasicAuthenticator::bcryptMatches("Secret", hash));
        QVERIFY(!BasicAuthenticator::bcryptMatches("", hash));
    }
    // crypt() reads C strings: a NUL would cut the password short, so it never matches.
    const QByteArray hash = bcrypt("abc");
    QVERIFY(BasicAuthenticator::bcryptMatches("abc", hash));
    QVERIFY(!BasicAuthenticator::bcryptMatches(QByteArray("abc\0def", 7), hash));
    // A published vector (crypt_blowfish's tests), so the check is not only against itself.
    QVERIFY(BasicAuthenticator::bcryptMatches(
        "U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
    QVERIFY(!BasicAuthenticator::bcryptMatches(
        "U*V", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
}

void TestWebConfig::hashShape()
{
    QVERIFY(BasicAuthenticator::isBcryptHash(bcrypt("x")));
    QVERIFY(!BasicAuthenticator::isBcryptHash("secret"));
    QVERIFY(!BasicAuthenticator::isBcryptHash("$6$saltsalt$hash"));  // sha512crypt
    QByteArray hash = bcrypt("x");
    hash[5] = '3';  // cost 03
    QVERIFY(!BasicAuthenticator::isBcryptHash(hash));
    QVERIFY(!BasicAuthenticator::isBcryptHash(bcrypt("x").chopped(1)));
    QVERIFY(!BasicAuthenticator::isBcryptHash(bcrypt("x").replace(20, 1, "!")));
}

void TestWebConfig::authenticatorChecks()
{
    BasicAuthenticator open;
    QVERIFY(!open.isEnabled());
    QVERIFY(open.authorize(""));

    BasicAuthenticator auth({{"prom", bcrypt("secret")}, {"grafana", bcrypt("other")}});
    QVERIFY(auth.isEnabled());
    QVERIFY(auth.authorize("Basic " + "prom:secret"_ba.toBase64()));
    QVERIFY(auth.authorize("Basic " + "grafana:other"_ba.toBase64()));
    QVERIFY(!auth.authorize("Basic " + "prom:other"_ba.toBase64()));
    QVERIFY(!auth.authorize("Basic " + "nobody:secret"_ba.toBase64()));
    QVERIFY(!auth.authorize("Basic " + "PROM:secret"_ba.toBase64()));
    QVERIFY(!auth.authorize(""));
    QVERIFY(!auth.authorize("Basic !!!!"));
}

void TestWebConfig::cacheMakesRepeatsCheap()
{
    // Cost 10 is what htpasswd -B and the toolkit's docs use.
    BasicAuthenticator auth({{"prom", bcrypt("secret", "$2y$", 10)}});
    const QByteArray header = "Basic " + "prom:secret"_ba.toBase64();
    QElapsedTimer timer;
    timer.start();
    QVERIFY(auth.authorize(header));
    const qint64 first = timer.nsecsElapsed();
    timer.restart();
    for (int i = 0; i < 100; ++i)
        QVERIFY(auth.authorize(header));
    const qint64 cached = timer.nsecsElapsed() / 100;
    QCOMPARE(auth.cacheHits(), 100);
    qInfo("bcrypt cost 10: first check %.1f ms, cached %.1f µs", first / 1e6, cached / 1e3);
    QVERIFY(cached * 50 < first);
    // A wrong password is never a cache hit nor cached: each one costs a full bcrypt. (Counted,
    // not timed: under load the first check's time says little about the next one's.)
    QVERIFY(!auth.authorize("Basic " + "prom:wrong"_ba.toBase64()));
    QVERIFY(!auth.authorize("Basic " + "prom:wrong"_ba.toBase64()));
    QCOMPARE(auth.cacheHits(), 100);
    QCOMPARE(auth.cacheEntries(), 1);
}

void TestWebConfig::cacheIsBounded()
{
    // Different passwords of one user cannot match the same hash, so fill it through many users.
    QMap<QByteArray, QByteArray> users;
    const QByteArray hash = bcrypt("pw");
    for (int i = 0; i < BasicAuthenticator::CacheSize + 20; ++i)
        users.insert("user" + QByteArray::number(i), hash);
    BasicAuthenticator auth(users);
    for (auto it = users.cbegin(); it != users.cend(); ++it)
        QVERIFY(auth.check({it.key(), "pw"}));
    QCOMPARE(auth.cacheEntries(), BasicAuthenticator::CacheSize);
}

void TestWebConfig::loadsTheDocumentedExample()
{
    const QByteArray hash = bcrypt("secret", "$2y$");
    const QByteArray text = "tls_server_config:\n"
                            "  cert_file: server.crt\n"
                            "  key_file: /etc/ssl/private/server.key\n"
                            "  client_auth_type: RequireAndVerifyClientCert\n"
                            "  client_ca_file: clients.crt\n"
                            "  min_version: TLS13\n"
                            "basic_auth_users:\n"
                            "  prometheus: " + hash + "\n";
    QString error;
    const std::optional<WebConfig> config = WebConfig::loadYamlText(text, ConfigName, &error);
    QVERIFY2(config, qPrintable(error));
    QVERIFY(config->tls);
    QCOMPARE(config->tls->certFile, u"/etc/nixos-exporter/server.crt"_s);  // relative to the file
    QCOMPARE(config->tls->keyFile, u"/etc/ssl/private/server.key"_s);
    QCOMPARE(config->tls->clientCaFile, u"/etc/nixos-exporter/clients.crt"_s);
    QCOMPARE(config->tls->clientAuth, WebConfig::ClientAuth::RequireAndVerifyClientCert);
    QCOMPARE(config->tls->minVersion, WebConfig::TlsVersion::Tls13);
    QCOMPARE(config->basicAuthUsers.value("prometheus"), hash);
}

void TestWebConfig::emptyFileIsPlainHttpWithoutAuth()
{
    QString error;
    for (const QByteArray &text : {""_ba, "tls_server_config:\n"_ba, "tls_server_config: {}\nbasic_auth_users:\n"_ba}) {
        const std::optional<WebConfig> config = WebConfig::loadYamlText(text, ConfigName, &error);
        QVERIFY2(config, qPrintable(error));
        QVERIFY(!config->tls);
        QVERIFY(config->basicAuthUsers.isEmpty());
    }
}

void TestWebConfig::errorsNameFileLineAndKey_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");  // the start of the message
    const QByteArray tls = "tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n";
    QTest::newRow("unknown top key") << "basic_auth_user:\n  a: b\n"_ba
                                     << u"/etc/nixos-exporter/web.yml:1: unknown key \"basic_auth_user\""_s;
    QTest::newRow("unsupported http_server_config") << "http_server_config:\n  http2: false\n"_ba
                                                    << u"/etc/nixos-exporter/web.yml:1: http_server_config is not supported"_s;
    QTest::newRow("unknown tls key") << tls + "  min_verison: TLS13\n"
                                     << u"/etc/nixos-exporter/web.yml:4: unknown key \"min_verison\" in tls_server_config"_s;
    QTest::newRow("unsupported tls key") << tls + "  cipher_suites: [TLS_AES_128_GCM_SHA256]\n"
                                         << u"/etc/nixos-exporter/web.yml:4: tls_server_config.cipher_suites is not supported"_s;
    QTest::newRow("bad min_version") << tls + "  min_version: TLS14\n"
                                     << u"/etc/nixos-exporter/web.yml:4: tls_server_config.min_version: unknown value \"TLS14\""_s;
    QTest::newRow("bad client_auth_type") << tls + "  client_auth_type: Always\n"
                                          << u"/etc/nixos-exporter/web.yml:4: tls_server_config.client_auth_type: unknown value \"Always\""_s;
    QTest::newRow("no key_file") << "tls_server_config:\n  cert_file: a.crt\n"_ba
                                 << u"/etc/nixos-exporter/web.yml:1: tls_server_config needs both cert_file and key_file"_s;
    QTest::newRow("verify without ca") << tls + "  client_auth_type: RequireAndVerifyClientCert\n"
                                       << u"/etc/nixos-exporter/web.yml:1: tls_server_config: client_auth_type RequireAndVerifyClientCert needs client_ca_file"_s;
    QTest::newRow("ca without verify") << tls + "  client_ca_file: ca.crt\n"
                                       << u"/etc/nixos-exporter/web.yml:4: tls_server_config.client_ca_file is only used"_s;
    QTest::newRow("empty cert_file") << "tls_server_config:\n  cert_file:\n  key_file: a.key\n"_ba
                                     << u"/etc/nixos-exporter/web.yml:2: tls_server_config.cert_file must be a non-empty string"_s;
    QTest::newRow("tls not a map") << "tls_server_config: yes\n"_ba
                                   << u"/etc/nixos-exporter/web.yml:1: tls_server_config must be a mapping"_s;
    QTest::newRow("plain password") << "basic_auth_users:\n  prom: secret\n"_ba
                                    << u"/etc/nixos-exporter/web.yml:2: basic_auth_users.prom is not a bcrypt hash"_s;
    QTest::newRow("users a list") << "basic_auth_users:\n  - prom\n"_ba
                                  << u"/etc/nixos-exporter/web.yml:2: basic_auth_users must be a mapping"_s;
    QTest::newRow("colon in user") << "basic_auth_users:\n  \"a:b\": x\n"_ba
                                   << u"/etc/nixos-exporter/web.yml:2: basic_auth_users: \"a:b\" is not a user name"_s;
    QTest::newRow("yaml syntax") << "tls_server_config:\n  cert_file: [a\n"_ba
                                 << u"/etc/nixos-exporter/web.yml:"_s;
    QTest::newRow("top level list") << "- a\n"_ba << u"/etc/nixos-exporter/web.yml:1: the top level must be a mapping"_s;
}

void TestWebConfig::errorsNameFileLineAndKey()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    QString error;
    QVERIFY(!WebConfig::loadYamlText(text, ConfigName, &error));
    QVERIFY2(error.startsWith(expected), qPrintable(error));
}

void TestWebConfig::sslConfigurationModes()
{
    // Without real files the TLS settings cannot be built; the modes are checked end to end in
    // tst_exportertls. Here: no tls section, no SSL configuration.
    WebConfig config;
    QString error;
    QVERIFY(!config.sslConfiguration(&error));
}

void TestWebConfig::missingCertificateFile()
{
    QString error;
    const std::optional<WebConfig> config = WebConfig::loadYamlText(
        "tls_server_config:\n  cert_file: /nonexistent/a.crt\n  key_file: /nonexistent/a.key\n", ConfigName, &error);
    QVERIFY2(config, qPrintable(error));
    QVERIFY(!config->sslConfiguration(&error));
    QVERIFY2(error.startsWith(u"cert_file /nonexistent/a.crt: "_s), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestWebConfig)
#include "tst_webconfig.moc"
