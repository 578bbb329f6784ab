// SPDX-License-Identifier: MIT
// nixos-status --remote with credentials and TLS, as promtool reads them (--http.config.file):
// the file's format and errors, then the real binary against the real exporter serving HTTPS
// with a certificate made here by openssl and basic auth with a bcrypt hash.
#include "exporterprocess.h"
#include "cliprocess.h"
#include "goldenfixture.h"
#include "httpclientconfig.h"
#include "requiredtool.h"

#include <QFile>
#include <QNetworkRequest>
#include <QProcess>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <crypt.h>

using namespace Qt::StringLiterals;

namespace {
const QString Binary = QStringLiteral(NIXOS_STATUS_BINARY);
const QByteArray Password = "c0rrect h0rse";

CliRun run(const QStringList &arguments)
{
    return runCli(arguments, 60'000);
}

QByteArray bcrypt(const QByteArray &password)
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$2y$", 4, nullptr, 0, salt, sizeof salt))
        return {};
    crypt_data data{};
    const char *hash = crypt_r(password.constData(), salt, &data);
    return hash && hash[0] == '$' ? QByteArray(hash) : QByteArray();
}
} // namespace

class TestCliRemote : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void fileErrors_data();
    void fileErrors();
    void fileIsParsed();
    void secretsAreReadAtRequestTime();
    void noPasswordOnTheCommandLine();
    void rightPasswordGivesTheReport();
    void wrongPasswordExitsTwo();
    void noCredentialsExitsTwo();
    void missingCaIsATlsError();
    void unreadableFilesExitTwo();
    void insecureSkipVerify();
    void clientCertificate();

private:
    bool openssl(const QStringList &arguments);
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString write(const QString &name, const QByteArray &text);
    CliRun remote(const QByteArray &httpConfig, const QStringList &more = {});

    QTemporaryDir m_dir;
    QString m_openssl;
    FixtureTree m_tree;
    ExporterProcess m_exporter;
};

bool TestCliRemote::openssl(const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(m_dir.path());
    process.start(m_openssl, arguments);
    if (!process.waitForFinished(60'000) || process.exitCode() != 0) {
        qWarning("openssl %s: %s", qPrintable(arguments.join(u' ')),
                 process.readAllStandardError().constData());
        return false;
    }
    return true;
}

QString TestCliRemote::write(const QString &name, const QByteArray &text)
{
    QFile file(path(name));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write(text);
    return file.fileName();
}

CliRun TestCliRemote::remote(const QByteArray &httpConfig, const QStringList &more)
{
    QStringList arguments{u"--remote"_s, u"https://127.0.0.1:%1"_s.arg(m_exporter.port()),
                          u"--color=never"_s};
    if (!httpConfig.isNull())
        arguments << u"--http.config.file"_s << write(u"client.yml"_s, httpConfig);
    return run(arguments + more);
}

// A CA and a server certificate for 127.0.0.1 it signs; the exporter serves HTTPS with it and
// wants basic auth.
void TestCliRemote::initTestCase()
{
    QVERIFY(m_dir.isValid());
    if (!QFile::exists(Binary))
        QSKIP("nixos-status is not built");
    NIXOS_REQUIRE_TOOL(m_openssl, "openssl", "openssl", "openssl");
    QVERIFY(QSslSocket::supportsSsl());
    QVERIFY(!write(u"server.ext"_s, "subjectAltName=IP:127.0.0.1,DNS:localhost\n").isEmpty());
    QVERIFY(openssl({u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s,
                     u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s, u"-keyout"_s, u"ca.key"_s,
                     u"-out"_s, u"ca.crt"_s, u"-days"_s, u"2"_s, u"-subj"_s,
                     u"/CN=nixos-status test CA"_s}));
    QVERIFY(openssl({u"req"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s,
                     u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s, u"-keyout"_s, u"server.key"_s,
                     u"-out"_s, u"server.csr"_s, u"-subj"_s, u"/CN=server"_s}));
    QVERIFY(openssl({u"x509"_s, u"-req"_s, u"-in"_s, u"server.csr"_s, u"-CA"_s, u"ca.crt"_s,
                     u"-CAkey"_s, u"ca.key"_s, u"-CAcreateserial"_s, u"-out"_s, u"server.crt"_s,
                     u"-days"_s, u"2"_s, u"-extfile"_s, u"server.ext"_s}));
    const QByteArray hash = bcrypt(Password);
    QVERIFY(!hash.isEmpty());
    const QString webConfig =
        write(u"web.yml"_s, "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                            "basic_auth_users:\n  prometheus: " +
                                hash + "\n");
    QVERIFY(!write(u"password"_s, Password + "\n").isEmpty());
    QVERIFY(!write(u"wrong-password"_s, "c0rrect h0rse!\n").isEmpty());
    GoldenFixture::build(m_tree);
    QVERIFY2(m_exporter.start({u"--root"_s, m_tree.root(), u"--web.config.file"_s, webConfig}),
             qPrintable(m_exporter.error()));
}

void TestCliRemote::fileErrors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("error");
    QTest::newRow("unknown top key")
        << QByteArray("basic_auth:\n  username: a\n  password_file: pw\nbasic_auht: 1\n")
        << u"/etc/c.yml:4: unknown key \"basic_auht\" (known: basic_auth, authorization, "
           "tls_config, follow_redirects)"_s;
    QTest::newRow("unknown in basic_auth")
        << QByteArray("basic_auth:\n  user: a\n")
        << u"/etc/c.yml:2: unknown key \"user\" in basic_auth (known: username, "
           "username_file, password, password_file)"_s;
    QTest::newRow("unknown in tls_config")
        << QByteArray("tls_config:\n  cafile: ca.crt\n")
        << u"/etc/c.yml:2: unknown key \"cafile\" in tls_config (known: ca_file, "
           "cert_file, key_file, server_name, insecure_skip_verify, min_version)"_s;
    QTest::newRow("not implemented")
        << QByteArray("oauth2:\n  client_id: x\n")
        << u"/etc/c.yml:1: oauth2 is not supported by nixos-status (supported: basic_auth, "
           "authorization, tls_config, follow_redirects)"_s;
    QTest::newRow("inline ca")
        << QByteArray("tls_config:\n  ca: |\n    -----BEGIN\n")
        << u"/etc/c.yml:2: tls_config.ca is not supported by nixos-status (supported: ca_file, "
           "cert_file, key_file, server_name, insecure_skip_verify, min_version)"_s;
    QTest::newRow("password twice")
        << QByteArray("basic_auth:\n  username: a\n  password: x\n  password_file: pw\n")
        << u"/etc/c.yml:4: basic_auth.password_file: give only one of password, "
           "password_file"_s;
    QTest::newRow("no user") << QByteArray("basic_auth:\n  password_file: pw\n")
                             << u"/etc/c.yml:1: basic_auth needs username or username_file"_s;
    QTest::newRow("both schemes")
        << QByteArray("basic_auth:\n  username: a\nauthorization:\n  credentials: t\n")
        << u"/etc/c.yml:3: basic_auth and authorization exclude each other"_s;
    QTest::newRow("authorization Basic")
        << QByteArray("authorization:\n  type: basic\n  credentials: t\n")
        << u"/etc/c.yml:2: authorization.type Basic: use basic_auth"_s;
    QTest::newRow("no credentials")
        << QByteArray("authorization:\n  type: Bearer\n")
        << u"/etc/c.yml:1: authorization needs credentials or credentials_file"_s;
    QTest::newRow("empty value")
        << QByteArray("tls_config:\n  ca_file:\n")
        << u"/etc/c.yml:2: tls_config.ca_file must be a non-empty string"_s;
    QTest::newRow("not a bool")
        << QByteArray("tls_config:\n  insecure_skip_verify: maybe\n")
        << u"/etc/c.yml:2: tls_config.insecure_skip_verify must be true or false"_s;
    QTest::newRow("old TLS")
        << QByteArray("tls_config:\n  min_version: TLS11\n")
        << u"/etc/c.yml:2: tls_config.min_version: \"TLS11\" is not supported (supported: TLS12, "
           "TLS13)"_s;
    QTest::newRow("cert without key")
        << QByteArray("tls_config:\n  cert_file: c.crt\n")
        << u"/etc/c.yml:1: tls_config needs both cert_file and key_file for a client "
           "certificate"_s;
    QTest::newRow("not a mapping")
        << QByteArray("- basic_auth\n") << u"/etc/c.yml:1: the top level must be a mapping"_s;
    QTest::newRow("section not a mapping") << QByteArray("basic_auth: prometheus\n")
                                           << u"/etc/c.yml:1: basic_auth must be a mapping"_s;
    QTest::newRow("bad YAML") << QByteArray("basic_auth:\n  username: [a\n") << u"/etc/c.yml:3: "_s;
}

void TestCliRemote::fileErrors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, error);
    QString message;
    QVERIFY(!HttpClientConfig::loadYamlText(yaml, u"/etc/c.yml"_s, &message));
    QVERIFY2(message.startsWith(error), qPrintable(message));
    QVERIFY(!message.contains(u'\n'));
}

void TestCliRemote::fileIsParsed()
{
    QString error;
    const std::optional<HttpClientConfig> config = HttpClientConfig::loadYamlText(
        "basic_auth:\n  username: prometheus\n  password_file: keys/pw\n"
        "tls_config:\n  ca_file: ca.crt\n  cert_file: /abs/client.crt\n  key_file: client.key\n"
        "  server_name: exporter.example.org\n  insecure_skip_verify: false\n  min_version: TLS13\n"
        "follow_redirects: false\n",
        u"/etc/nixos-status/client.yml"_s, &error);
    QVERIFY2(config, qPrintable(error));
    QVERIFY(config->basicAuth);
    QCOMPARE(config->basicAuth->username.value, u"prometheus"_s);
    // Paths are relative to the file, as in Prometheus.
    QCOMPARE(config->basicAuth->password.file, u"/etc/nixos-status/keys/pw"_s);
    QCOMPARE(config->caFile, u"/etc/nixos-status/ca.crt"_s);
    QCOMPARE(config->certFile, u"/abs/client.crt"_s);
    QCOMPARE(config->keyFile, u"/etc/nixos-status/client.key"_s);
    QCOMPARE(config->serverName, u"exporter.example.org"_s);
    QCOMPARE(config->minVersion, HttpClientConfig::TlsVersion::Tls13);
    QVERIFY(!config->followRedirects);
    QVERIFY(!config->authorization);

    const std::optional<HttpClientConfig> empty =
        HttpClientConfig::loadYamlText("", u"c.yml"_s, &error);
    QVERIFY2(empty, qPrintable(error));
    QVERIFY(!empty->hasCredentials());
}

// The Authorization header from the file's secrets, trimmed as Prometheus trims them.
void TestCliRemote::secretsAreReadAtRequestTime()
{
    const QString token = write(u"token"_s, "  s3cret-token\n");
    QString error;
    std::optional<HttpClientConfig> config = HttpClientConfig::loadYamlText(
        "authorization:\n  credentials_file: token\n", path(u"c.yml"_s), &error);
    QVERIFY2(config, qPrintable(error));
    QNetworkRequest request(QUrl(u"http://127.0.0.1:1/status"_s));
    QVERIFY2(config->apply(request, &error), qPrintable(error));
    QCOMPARE(request.rawHeader("Authorization"), QByteArray("Bearer s3cret-token"));

    config = HttpClientConfig::loadYamlText(
        "basic_auth:\n  username: prometheus\n  password_file: password\n", path(u"c.yml"_s),
        &error);
    QVERIFY2(config, qPrintable(error));
    QNetworkRequest basic(QUrl(u"https://127.0.0.1:1/status"_s));
    QVERIFY2(config->apply(basic, &error), qPrintable(error));
    QCOMPARE(basic.rawHeader("Authorization"), "Basic " + ("prometheus:" + Password).toBase64());
    // Credentials never follow a redirect to another origin.
    QCOMPARE(basic.attribute(QNetworkRequest::RedirectPolicyAttribute).toInt(),
             int(QNetworkRequest::SameOriginRedirectPolicy));
}

void TestCliRemote::noPasswordOnTheCommandLine()
{
    const CliRun help = run({u"--help"_s});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("--http.config.file <file>"));
    QVERIFY2(!help.out.contains("--password") && !help.out.contains("--user"),
             help.out.constData());
    QVERIFY(help.out.contains("never from the command line"));

    const CliRun flag = run({u"--remote"_s, u"127.0.0.1:1"_s, u"--password"_s, u"x"_s});
    QCOMPARE(flag.exitCode, 2);
    QVERIFY2(flag.err.contains("Unknown option 'password'"), flag.err.constData());

    // A password in the URL is refused before anything is sent, and not repeated.
    const CliRun url =
        run({u"--remote"_s, u"https://prometheus:hunter2@127.0.0.1:%1"_s.arg(m_exporter.port())});
    QCOMPARE(url.exitCode, 2);
    QVERIFY2(url.err.startsWith("nixos-status: --remote: no password in the URL"),
             url.err.constData());
    QVERIFY(!url.err.contains("hunter2") && !url.out.contains("hunter2"));
    QCOMPARE(url.err.count('\n'), 1);

    const CliRun local = run({u"--http.config.file"_s, write(u"c.yml"_s, "")});
    QCOMPARE(local.exitCode, 2);
    QVERIFY2(local.err.contains("--http.config.file is for --remote"), local.err.constData());
}

void TestCliRemote::rightPasswordGivesTheReport()
{
    const CliRun result = remote("basic_auth:\n  username: prometheus\n  password_file: password\n"
                              "tls_config:\n  ca_file: ca.crt\n");
    // The golden fixture needs a reboot: attention, exit 1.
    QVERIFY2(result.exitCode == 1, result.err.constData());
    QVERIFY2(result.out.startsWith("nixos-status: attention"), result.out.constData());
    QVERIFY(result.out.contains("generation 47"));
    QVERIFY(!result.out.contains(Password) && !result.err.contains(Password));

    // server_name: the name the certificate is checked against (it has 127.0.0.1 and localhost).
    const CliRun otherName = remote("basic_auth:\n  username: prometheus\n  password_file: password\n"
                                 "tls_config:\n  ca_file: ca.crt\n  server_name: localhost\n");
    QCOMPARE(otherName.exitCode, 1);
    const CliRun wrongName =
        remote("basic_auth:\n  username: prometheus\n  password_file: password\n"
               "tls_config:\n  ca_file: ca.crt\n  server_name: other.example.org\n");
    QCOMPARE(wrongName.exitCode, 2);
    QVERIFY2(wrongName.err.contains("TLS: "), wrongName.err.constData());

    const CliRun json = remote("basic_auth:\n  username: prometheus\n  password_file: password\n"
                            "tls_config:\n  ca_file: ca.crt\n",
                            {u"--json"_s});
    QCOMPARE(json.exitCode, 1);
    QVERIFY(json.out.contains("\"schema_version\""));
}

void TestCliRemote::wrongPasswordExitsTwo()
{
    const CliRun result =
        remote("basic_auth:\n  username: prometheus\n  password_file: wrong-password\n"
               "tls_config:\n  ca_file: ca.crt\n");
    QCOMPARE(result.exitCode, 2);
    QCOMPARE(result.err,
             u"nixos-status: https://127.0.0.1:%1/status: HTTP 401: the exporter refused the "
             "credentials of --http.config.file\n"_s.arg(m_exporter.port())
                 .toUtf8());
    QVERIFY(result.out.isEmpty());
}

void TestCliRemote::noCredentialsExitsTwo()
{
    const CliRun result = remote("tls_config:\n  ca_file: ca.crt\n");
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(
                 "HTTP 401: the exporter wants credentials; give them with --http.config.file"),
             result.err.constData());
    QCOMPARE(result.err.count('\n'), 1);
}

// Without the exporter's CA its certificate is not trusted: one line that says so and what to
// set, whether the file has no tls_config or there is no file at all.
void TestCliRemote::missingCaIsATlsError()
{
    for (const QByteArray &config :
         {QByteArray("basic_auth:\n  username: prometheus\n  password_file: password\n"),
          QByteArray()}) {
        const CliRun result = remote(config);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.startsWith(
                     u"nixos-status: https://127.0.0.1:%1/status: TLS: "_s.arg(m_exporter.port())
                         .toUtf8()),
                 result.err.constData());
        QVERIFY2(result.err.contains(
                     "(name the exporter's CA with tls_config.ca_file in --http.config.file)"),
                 result.err.constData());
        QCOMPARE(result.err.count('\n'), 1);
        qInfo("%s", result.err.trimmed().constData());
    }
    // Another CA than the one that signed the certificate.
    QVERIFY(
        openssl({u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s,
                 u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s, u"-keyout"_s, u"other.key"_s,
                 u"-out"_s, u"other.crt"_s, u"-days"_s, u"2"_s, u"-subj"_s, u"/CN=another CA"_s}));
    const CliRun other = remote("tls_config:\n  ca_file: other.crt\n");
    QCOMPARE(other.exitCode, 2);
    QVERIFY2(other.err.contains(u"TLS: "_s.toUtf8()) &&
                 other.err.contains(u"(with the CA of %1)"_s.arg(path(u"other.crt"_s)).toUtf8()),
             other.err.constData());
}

void TestCliRemote::unreadableFilesExitTwo()
{
    CliRun result = remote("basic_auth:\n  username: prometheus\n  password_file: nowhere\n");
    QCOMPARE(result.exitCode, 2);
    QCOMPARE(result.err.count('\n'), 1);
    QVERIFY2(
        result.err.startsWith(u"nixos-status: --http.config.file: basic_auth.password_file %1: "_s
                                  .arg(path(u"nowhere"_s))
                                  .toUtf8()),
        result.err.constData());

    result = remote("tls_config:\n  ca_file: server.key\n");
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("tls_config.ca_file") && result.err.contains("no PEM certificate"),
             result.err.constData());

    result = run({u"--remote"_s, u"127.0.0.1:1"_s, u"--http.config.file"_s, path(u"absent.yml"_s)});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.startsWith(
                 u"nixos-status: --http.config.file %1: "_s.arg(path(u"absent.yml"_s)).toUtf8()),
             result.err.constData());

    result = run(
        {u"--remote"_s, u"127.0.0.1:1"_s, u"--http.config.file"_s,
         write(u"bad.yml"_s, "basic_auth:\n  username: prometheus\n  pasword_file: password\n")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(
        result.err.startsWith(u"nixos-status: %1:3: unknown key \"pasword_file\" in basic_auth"_s
                                  .arg(path(u"bad.yml"_s))
                                  .toUtf8()),
        result.err.constData());
}

// Without any CA: only when asked to skip the check.
void TestCliRemote::insecureSkipVerify()
{
    const CliRun result = remote("basic_auth:\n  username: prometheus\n  password_file: password\n"
                              "tls_config:\n  insecure_skip_verify: true\n  min_version: TLS13\n");
    QVERIFY2(result.exitCode == 1, result.err.constData());
    QVERIFY(result.out.startsWith("nixos-status: attention"));
}

// An exporter that wants a client certificate signed by the CA: cert_file and key_file.
void TestCliRemote::clientCertificate()
{
    QVERIFY(openssl({u"req"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s,
                     u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s, u"-keyout"_s, u"client.key"_s,
                     u"-out"_s, u"client.csr"_s, u"-subj"_s, u"/CN=client"_s}));
    QVERIFY(openssl({u"x509"_s, u"-req"_s, u"-in"_s, u"client.csr"_s, u"-CA"_s, u"ca.crt"_s,
                     u"-CAkey"_s, u"ca.key"_s, u"-CAcreateserial"_s, u"-out"_s, u"client.crt"_s,
                     u"-days"_s, u"2"_s}));
    ExporterProcess exporter;
    const QString webConfig = write(
        u"web-mtls.yml"_s, "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                           "  client_auth_type: RequireAndVerifyClientCert\n"
                           "  client_ca_file: ca.crt\n");
    QVERIFY2(exporter.start({u"--root"_s, m_tree.root(), u"--web.config.file"_s, webConfig}),
             qPrintable(exporter.error()));
    const QString url = u"https://127.0.0.1:%1"_s.arg(exporter.port());
    const CliRun withCert =
        run({u"--remote"_s, url, u"--http.config.file"_s,
             write(u"mtls.yml"_s, "tls_config:\n  ca_file: ca.crt\n"
                                  "  cert_file: client.crt\n  key_file: client.key\n")});
    QVERIFY2(withCert.exitCode == 1, withCert.err.constData());
    QVERIFY(withCert.out.contains("generation 47"));

    const CliRun without = run({u"--remote"_s, url, u"--http.config.file"_s,
                             write(u"ca-only.yml"_s, "tls_config:\n  ca_file: ca.crt\n")});
    QCOMPARE(without.exitCode, 2);
    QVERIFY2(without.err.startsWith(u"nixos-status: %1/status: "_s.arg(url).toUtf8()),
             without.err.constData());
    QCOMPARE(without.err.count('\n'), 1);
}

QTEST_GUILESS_MAIN(TestCliRemote)
#include "tst_cliremote.moc"
