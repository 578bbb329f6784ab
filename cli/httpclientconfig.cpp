// SPDX-License-Identifier: MIT
#include "httpclientconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>

#include <yaml-cpp/yaml.h>

namespace {

struct ParseError
{
    int line;
    QString message;
};

using Entry = std::pair<YAML::Node, YAML::Node>;

[[noreturn]] void failAt(const YAML::Node &node, const QString &message)
{
    throw ParseError{node.Mark().line + 1, message};
}

// "key:" with nothing after it: yaml-cpp marks the next token, so name the key's line.
[[noreturn]] void failValue(const Entry &entry, const QString &message)
{
    failAt(entry.second.IsNull() ? entry.first : entry.second, message);
}

QString nameOf(const YAML::Node &key)
{
    return key.IsScalar() ? QString::fromStdString(key.Scalar()) : QStringLiteral("<not a name>");
}

QString text(const Entry &entry, const QString &path)
{
    if (!entry.second.IsScalar() || entry.second.Scalar().empty())
        failValue(entry, QStringLiteral("%1 must be a non-empty string").arg(path));
    return QString::fromStdString(entry.second.Scalar());
}

bool boolean(const Entry &entry, const QString &path)
{
    bool value = false;
    if (!entry.second.IsScalar() || !YAML::convert<bool>::decode(entry.second, value))
        failValue(entry, QStringLiteral("%1 must be true or false").arg(path));
    return value;
}

QString relativeTo(const QString &directory, const QString &path)
{
    return QDir::isAbsolutePath(path) ? path : QDir::cleanPath(directory + QLatin1Char('/') + path);
}

// Checks a section's keys: supported ones go to handle(), the format's others and unknown
// ones are errors on their line.
template<typename Handle>
void forEachKey(const Entry &section, const QString &path, const QStringList &supported,
                const QStringList &notImplemented, Handle handle)
{
    if (!section.second.IsMap())
        failValue(section, QStringLiteral("%1 must be a mapping").arg(path));
    const QString list = supported.join(QStringLiteral(", "));
    for (const auto &entry : section.second) {
        const QString key = nameOf(entry.first);
        const QString keyPath = path.isEmpty() ? key : path + QLatin1Char('.') + key;
        if (supported.contains(key))
            handle(key, keyPath, Entry(entry.first, entry.second));
        else if (notImplemented.contains(key))
            failAt(entry.first,
                   QStringLiteral("%1 is not supported by nixos-status (supported: %2)")
                       .arg(keyPath, list));
        else
            failAt(entry.first,
                   QStringLiteral("unknown key \"%1\"%2 (known: %3)")
                       .arg(key, path.isEmpty() ? QString() : QStringLiteral(" in ") + path, list));
    }
}

void setOnce(HttpClientConfig::Secret &secret, const Entry &entry, const QString &keyPath,
             bool isFile, const QString &directory, const QString &pairName)
{
    if (secret.isSet())
        failAt(entry.first, QStringLiteral("%1: give only one of %2").arg(keyPath, pairName));
    if (isFile)
        secret.file = relativeTo(directory, text(entry, keyPath));
    else
        secret.value = text(entry, keyPath);
}

HttpClientConfig parse(const YAML::Node &root, const QString &directory)
{
    HttpClientConfig config;
    if (root.IsNull())
        return config; // an empty file: plain requests
    if (!root.IsMap())
        failAt(root, QStringLiteral("the top level must be a mapping"));
    const Entry top(YAML::Node(), root);
    forEachKey(
        top, QString(), {"basic_auth", "authorization", "tls_config", "follow_redirects"},
        {"oauth2", "bearer_token", "bearer_token_file", "proxy_url", "no_proxy",
         "proxy_from_environment", "proxy_connect_header", "enable_http2", "http_headers"},
        [&](const QString &key, const QString &path, const Entry &section) {
            if (key == QLatin1String("follow_redirects")) {
                config.followRedirects = boolean(section, path);
            } else if (key == QLatin1String("basic_auth")) {
                if (config.authorization)
                    failAt(section.first,
                           QStringLiteral("basic_auth and authorization exclude each other"));
                HttpClientConfig::BasicAuth auth;
                forEachKey(section, path,
                           {"username", "username_file", "password", "password_file"},
                           {"username_ref", "password_ref"},
                           [&](const QString &name, const QString &keyPath, const Entry &entry) {
                               const bool isFile = name.endsWith(QLatin1String("_file"));
                               if (name.startsWith(QLatin1String("username")))
                                   setOnce(auth.username, entry, keyPath, isFile, directory,
                                           QStringLiteral("username, username_file"));
                               else
                                   setOnce(auth.password, entry, keyPath, isFile, directory,
                                           QStringLiteral("password, password_file"));
                           });
                if (!auth.username.isSet())
                    failAt(section.first,
                           QStringLiteral("basic_auth needs username or username_file"));
                config.basicAuth = auth;
            } else if (key == QLatin1String("authorization")) {
                if (config.basicAuth)
                    failAt(section.first,
                           QStringLiteral("basic_auth and authorization exclude each other"));
                HttpClientConfig::Authorization auth;
                forEachKey(
                    section, path, {"type", "credentials", "credentials_file"}, {"credentials_ref"},
                    [&](const QString &name, const QString &keyPath, const Entry &entry) {
                        if (name == QLatin1String("type")) {
                            auth.type = text(entry, keyPath);
                            if (auth.type.compare(QLatin1String("Basic"), Qt::CaseInsensitive) == 0)
                                failValue(entry,
                                          QStringLiteral("%1 Basic: use basic_auth").arg(keyPath));
                            if (auth.type.contains(QLatin1Char(' ')))
                                failValue(entry, QStringLiteral("%1 must be one word, e.g. Bearer")
                                                     .arg(keyPath));
                        } else {
                            setOnce(auth.credentials, entry, keyPath,
                                    name == QLatin1String("credentials_file"), directory,
                                    QStringLiteral("credentials, credentials_file"));
                        }
                    });
                if (!auth.credentials.isSet())
                    failAt(section.first,
                           QStringLiteral("authorization needs credentials or credentials_file"));
                config.authorization = auth;
            } else {
                config.hasTls = true;
                forEachKey(section, path,
                           {"ca_file", "cert_file", "key_file", "server_name",
                            "insecure_skip_verify", "min_version"},
                           {"ca", "cert", "key", "ca_ref", "cert_ref", "key_ref", "max_version"},
                           [&](const QString &name, const QString &keyPath, const Entry &entry) {
                               if (name == QLatin1String("ca_file"))
                                   config.caFile = relativeTo(directory, text(entry, keyPath));
                               else if (name == QLatin1String("cert_file"))
                                   config.certFile = relativeTo(directory, text(entry, keyPath));
                               else if (name == QLatin1String("key_file"))
                                   config.keyFile = relativeTo(directory, text(entry, keyPath));
                               else if (name == QLatin1String("server_name"))
                                   config.serverName = text(entry, keyPath);
                               else if (name == QLatin1String("insecure_skip_verify"))
                                   config.insecureSkipVerify = boolean(entry, keyPath);
                               else if (const QString version = text(entry, keyPath);
                                        version == QLatin1String("TLS12"))
                                   config.minVersion = HttpClientConfig::TlsVersion::Tls12;
                               else if (version == QLatin1String("TLS13"))
                                   config.minVersion = HttpClientConfig::TlsVersion::Tls13;
                               else
                                   failValue(
                                       entry,
                                       QStringLiteral(
                                           "%1: \"%2\" is not supported (supported: TLS12, TLS13)")
                                           .arg(keyPath, version));
                           });
                if (config.certFile.isEmpty() != config.keyFile.isEmpty())
                    failAt(
                        section.first,
                        QStringLiteral("tls_config needs both cert_file and key_file for a client "
                                       "certificate"));
            }
        });
    return config;
}

// A secret or a certificate is small; more is a mistake (or /dev/zero).
constexpr qint64 MaxFileSize = 1 << 20;

std::optional<QByteArray> readFile(const QString &fileName, const QString &key, QString *error)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1 %2: %3").arg(key, fileName, file.errorString());
        return std::nullopt;
    }
    return file.read(MaxFileSize);
}

std::optional<QString> secretOf(const HttpClientConfig::Secret &secret, const QString &key,
                                QString *error)
{
    if (secret.file.isEmpty())
        return secret.value;
    const std::optional<QByteArray> data =
        readFile(secret.file, key + QStringLiteral("_file"), error);
    if (!data)
        return std::nullopt;
    return QString::fromUtf8(*data).trimmed();
}

} // namespace

std::optional<HttpClientConfig>
HttpClientConfig::loadYamlText(const QByteArray &text, const QString &fileName, QString *error)
{
    const QString directory = QFileInfo(fileName).absolutePath();
    try {
        return parse(YAML::Load(text.toStdString()), directory);
    } catch (const ParseError &e) {
        *error = QStringLiteral("%1:%2: %3").arg(fileName).arg(e.line).arg(e.message);
    } catch (const YAML::Exception &e) {
        *error = QStringLiteral("%1:%2: %3")
                     .arg(fileName)
                     .arg(e.mark.line + 1)
                     .arg(QString::fromStdString(e.msg));
    }
    return std::nullopt;
}

std::optional<HttpClientConfig> HttpClientConfig::load(const QString &fileName, QString *error)
{
    const std::optional<QByteArray> data =
        readFile(fileName, QStringLiteral("--http.config.file"), error);
    if (!data)
        return std::nullopt;
    return loadYamlText(*data, fileName, error);
}

bool HttpClientConfig::apply(QNetworkRequest &request, QString *error) const
{
    if (basicAuth) {
        const std::optional<QString> user =
            secretOf(basicAuth->username, QStringLiteral("basic_auth.username"), error);
        if (!user)
            return false;
        if (user->contains(QLatin1Char(':'))) {
            *error = QStringLiteral("basic_auth: a user name cannot contain a colon");
            return false;
        }
        const std::optional<QString> password =
            secretOf(basicAuth->password, QStringLiteral("basic_auth.password"), error);
        if (!password)
            return false;
        request.setRawHeader("Authorization",
                             "Basic " + (*user + QLatin1Char(':') + *password).toUtf8().toBase64());
    } else if (authorization) {
        const std::optional<QString> credentials = secretOf(
            authorization->credentials, QStringLiteral("authorization.credentials"), error);
        if (!credentials)
            return false;
        request.setRawHeader("Authorization",
                             (authorization->type + QLatin1Char(' ') + *credentials).toUtf8());
    }

    if (hasTls && !applyTls(request, error))
        return false;

    // Credentials go to the origin they were written for, never along a redirect elsewhere.
    if (!followRedirects)
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                             QNetworkRequest::ManualRedirectPolicy);
    else if (hasCredentials())
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                             QNetworkRequest::SameOriginRedirectPolicy);
    return true;
}

bool HttpClientConfig::applyTls(QNetworkRequest &request, QString *error) const
{
    QSslConfiguration ssl = request.sslConfiguration();
    if (!caFile.isEmpty()) {
        const std::optional<QByteArray> data =
            readFile(caFile, QStringLiteral("tls_config.ca_file"), error);
        if (!data)
            return false;
        const QList<QSslCertificate> cas = QSslCertificate::fromData(*data, QSsl::Pem);
        if (cas.isEmpty()) {
            *error = QStringLiteral("tls_config.ca_file %1: no PEM certificate in it").arg(caFile);
            return false;
        }
        ssl.setCaCertificates(cas); // only these, as Prometheus does: not the system's as well
    }
    if (!certFile.isEmpty()) {
        const std::optional<QByteArray> certData =
            readFile(certFile, QStringLiteral("tls_config.cert_file"), error);
        if (!certData)
            return false;
        const QList<QSslCertificate> chain = QSslCertificate::fromData(*certData, QSsl::Pem);
        if (chain.isEmpty()) {
            *error =
                QStringLiteral("tls_config.cert_file %1: no PEM certificate in it").arg(certFile);
            return false;
        }
        const std::optional<QByteArray> keyData =
            readFile(keyFile, QStringLiteral("tls_config.key_file"), error);
        if (!keyData)
            return false;
        QSslKey key;
        for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
            key = QSslKey(*keyData, algorithm, QSsl::Pem, QSsl::PrivateKey);
            if (!key.isNull())
                break;
        }
        if (key.isNull()) {
            *error = QStringLiteral("tls_config.key_file %1: no unencrypted PEM private key in it")
                         .arg(keyFile);
            return false;
        }
        ssl.setLocalCertificateChain(chain);
        ssl.setPrivateKey(key);
    }
    if (insecureSkipVerify)
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    ssl.setProtocol(minVersion == TlsVersion::Tls13 ? QSsl::TlsV1_3OrLater : QSsl::TlsV1_2OrLater);
    request.setSslConfiguration(ssl);
    if (!serverName.isEmpty())
        request.setPeerVerifyName(serverName);
    return true;
}
