// SPDX-License-Identifier: MIT
#include "webconfig.h"

#include "basicauth.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>

#include <utility>

#include <yaml-cpp/yaml.h>

namespace {

struct ConfigError
{
    int line;
    QString message;
};

using Entry = std::pair<YAML::Node, YAML::Node>;

QString keyOf(const YAML::Node &key)
{
    return key.IsScalar() ? QString::fromStdString(key.Scalar()) : QStringLiteral("<non-scalar key>");
}

[[noreturn]] void fail(const YAML::Node &node, const QString &message)
{
    throw ConfigError{node.Mark().line + 1, message};
}

// A missing value ("key:" and nothing after it) is reported on the key's line: yaml-cpp puts
// it where the next token starts.
[[noreturn]] void failValue(const Entry &entry, const QString &message)
{
    fail(entry.second.IsNull() ? entry.first : entry.second, message);
}

QString scalarString(const Entry &entry, const QString &path)
{
    if (!entry.second.IsScalar() || entry.second.Scalar().empty())
        failValue(entry, QStringLiteral("%1 must be a non-empty string").arg(path));
    return QString::fromStdString(entry.second.Scalar());
}

// Paths in the file are relative to the file, as in the exporter-toolkit.
QString resolve(const QString &baseDir, const QString &path)
{
    return QDir::isAbsolutePath(path) ? path : QDir::cleanPath(baseDir + QLatin1Char('/') + path);
}

template<typename Enum, std::size_t N>
Enum enumValue(const Entry &entry, const QString &path, const std::pair<const char *, Enum> (&names)[N])
{
    const QString value = scalarString(entry, path);
    QStringList known;
    for (const auto &[name, e] : names) {
        if (value == QLatin1String(name))
            return e;
        known.append(QLatin1String(name));
    }
    failValue(entry, QStringLiteral("%1: unknown value \"%2\" (known: %3)")
                         .arg(path, value, known.join(QStringLiteral(", "))));
}

constexpr std::pair<const char *, WebConfig::ClientAuth> ClientAuthNames[] = {
    {"NoClientCert", WebConfig::ClientAuth::NoClientCert},
    {"RequestClientCert", WebConfig::ClientAuth::RequestClientCert},
    {"RequireAnyClientCert", WebConfig::ClientAuth::RequireAnyClientCert},
    {"VerifyClientCertIfGiven", WebConfig::ClientAuth::VerifyClientCertIfGiven},
    {"RequireAndVerifyClientCert", WebConfig::ClientAuth::RequireAndVerifyClientCert},
};

constexpr std::pair<const char *, WebConfig::TlsVersion> TlsVersionNames[] = {
    {"TLS10", WebConfig::TlsVersion::Tls10},
    {"TLS11", WebConfig::TlsVersion::Tls11},
    {"TLS12", WebConfig::TlsVersion::Tls12},
    {"TLS13", WebConfig::TlsVersion::Tls13},
};

bool verifies(WebConfig::ClientAuth auth)
{
    return auth == WebConfig::ClientAuth::VerifyClientCertIfGiven
           || auth == WebConfig::ClientAuth::RequireAndVerifyClientCert;
}

void applyTls(WebConfig &config, const Entry &section, const QString &baseDir)
{
    const QString path = QStringLiteral("tls_server_config");
    if (section.second.IsNull())
        return;  // "tls_server_config:" with everything commented out: plain HTTP
    if (!section.second.IsMap())
        failValue(section, path + QStringLiteral(" must be a mapping"));
    if (section.second.size() == 0)
        return;
    WebConfig::Tls tls;
    std::optional<YAML::Node> clientCaKey;
    for (const auto &entry : section.second) {
        const QString key = keyOf(entry.first);
        const QString keyPath = path + QLatin1Char('.') + key;
        if (key == QLatin1String("cert_file"))
            tls.certFile = resolve(baseDir, scalarString(entry, keyPath));
        else if (key == QLatin1String("key_file"))
            tls.keyFile = resolve(baseDir, scalarString(entry, keyPath));
        else if (key == QLatin1String("client_auth_type"))
            tls.clientAuth = enumValue(entry, keyPath, ClientAuthNames);
        else if (key == QLatin1String("client_ca_file")) {
            tls.clientCaFile = resolve(baseDir, scalarString(entry, keyPath));
            clientCaKey = entry.first;
        } else if (key == QLatin1String("min_version"))
            tls.minVersion = enumValue(entry, keyPath, TlsVersionNames);
        else if (key == QLatin1String("cert") || key == QLatin1String("key")
                 || key == QLatin1String("client_ca") || key == QLatin1String("max_version")
                 || key == QLatin1String("cipher_suites") || key == QLatin1String("curve_preferences")
                 || key == QLatin1String("prefer_server_cipher_suites")
                 || key == QLatin1String("client_allowed_sans"))
            fail(entry.first, QStringLiteral("%1 is not supported by nixos-exporter (supported: cert_file, "
                                             "key_file, client_auth_type, client_ca_file, min_version)")
                                  .arg(keyPath));
        else
            fail(entry.first, QStringLiteral("unknown key \"%1\" in %2 (known: cert_file, key_file, "
                                             "client_auth_type, client_ca_file, min_version)")
                                  .arg(key, path));
    }
    if (tls.certFile.isEmpty() || tls.keyFile.isEmpty())
        fail(section.first, QStringLiteral("%1 needs both cert_file and key_file").arg(path));
    if (verifies(tls.clientAuth) && tls.clientCaFile.isEmpty())
        fail(section.first, QStringLiteral("%1: client_auth_type %2 needs client_ca_file")
                                .arg(path, QLatin1String(ClientAuthNames[int(tls.clientAuth)].first)));
    if (clientCaKey && !verifies(tls.clientAuth))
        fail(*clientCaKey, QStringLiteral("%1.client_ca_file is only used with client_auth_type "
                                          "VerifyClientCertIfGiven or RequireAndVerifyClientCert")
                               .arg(path));
    config.tls = tls;
}

void applyUsers(WebConfig &config, const Entry &section)
{
    const QString path = QStringLiteral("basic_auth_users");
    if (section.second.IsNull())
        return;
    if (!section.second.IsMap())
        failValue(section, path + QStringLiteral(" must be a mapping of user names to bcrypt hashes"));
    for (const auto &entry : section.second) {
        const QString user = keyOf(entry.first);
        if (!entry.first.IsScalar() || user.isEmpty() || user.contains(QLatin1Char(':')))
            fail(entry.first, QStringLiteral("%1: \"%2\" is not a user name (no colon, not empty)").arg(path, user));
        const QString keyPath = path + QLatin1Char('.') + user;
        const QByteArray hash = scalarString(entry, keyPath).toUtf8();
        if (!BasicAuthenticator::isBcryptHash(hash))
            failValue(entry, QStringLiteral("%1 is not a bcrypt hash ($2y$, $2b$ or $2a$ and 60 characters; "
                                            "make one with htpasswd -nBC 10 \"\" | tr -d ':\\n')")
                                 .arg(keyPath));
        if (config.basicAuthUsers.contains(user.toUtf8()))
            fail(entry.first, QStringLiteral("%1: user \"%2\" appears twice").arg(path, user));
        config.basicAuthUsers.insert(user.toUtf8(), hash);
    }
}

void apply(WebConfig &config, const YAML::Node &root, const QString &baseDir)
{
    if (root.IsNull())
        return;
    if (!root.IsMap())
        fail(root, QStringLiteral("the top level must be a mapping"));
    for (const auto &entry : root) {
        const QString key = keyOf(entry.first);
        if (key == QLatin1String("tls_server_config"))
            applyTls(config, entry, baseDir);
        else if (key == QLatin1String("basic_auth_users"))
            applyUsers(config, entry);
        else if (key == QLatin1String("http_server_config") || key == QLatin1String("rate_limit"))
            fail(entry.first, QStringLiteral("%1 is not supported by nixos-exporter (supported: "
                                             "tls_server_config, basic_auth_users)")
                                  .arg(key));
        else
            fail(entry.first, QStringLiteral("unknown key \"%1\" (known: tls_server_config, basic_auth_users)")
                                  .arg(key));
    }
}

std::optional<QByteArray> readFile(const QString &fileName, const QString &what, QString *error)
{
    QFile file(fileName);
    // A certificate or key file is small; a bigger one is a mistake (or /dev/zero).
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1 %2: %3").arg(what, fileName, file.errorString());
        return std::nullopt;
    }
    const QByteArray data = file.read(1 << 20);
    if (data.isEmpty()) {
        *error = QStringLiteral("%1 %2: empty file").arg(what, fileName);
        return std::nullopt;
    }
    return data;
}

} // namespace

std::optional<WebConfig> WebConfig::load(const QString &fileName, QString *error)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(fileName, file.errorString());
        return std::nullopt;
    }
    return loadYamlText(file.read(1 << 20), fileName, error);
}

std::optional<WebConfig> WebConfig::loadYamlText(const QByteArray &text, const QString &fileName,
                                                 QString *error)
{
    WebConfig config;
    try {
        apply(config, YAML::Load(text.toStdString()), QFileInfo(fileName).absolutePath());
    } catch (const ConfigError &e) {
        *error = QStringLiteral("%1:%2: %3").arg(fileName).arg(e.line).arg(e.message);
        return std::nullopt;
    } catch (const YAML::Exception &e) {
        *error = QStringLiteral("%1:%2: %3").arg(fileName).arg(e.mark.line + 1).arg(QString::fromStdString(e.msg));
        return std::nullopt;
    }
    return config;
}

std::optional<QSslConfiguration> WebConfig::sslConfiguration(QString *error) const
{
    if (!tls) {
        *error = QStringLiteral("no tls_server_config");
        return std::nullopt;
    }
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();

    const std::optional<QByteArray> certData = readFile(tls->certFile, QStringLiteral("cert_file"), error);
    if (!certData)
        return std::nullopt;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(*certData, QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = QStringLiteral("cert_file %1: no PEM certificate in it").arg(tls->certFile);
        return std::nullopt;
    }
    ssl.setLocalCertificateChain(chain);

    const std::optional<QByteArray> keyData = readFile(tls->keyFile, QStringLiteral("key_file"), error);
    if (!keyData)
        return std::nullopt;
    QSslKey key;
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        key = QSslKey(*keyData, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error = QStringLiteral("key_file %1: no unencrypted PEM private key (RSA, EC or DSA) in it")
                     .arg(tls->keyFile);
        return std::nullopt;
    }
    if (key.algorithm() != chain.first().publicKey().algorithm()) {
        *error = QStringLiteral("key_file %1 does not belong to cert_file %2").arg(tls->keyFile, tls->certFile);
        return std::nullopt;
    }
    ssl.setPrivateKey(key);

    if (!tls->clientCaFile.isEmpty()) {
        const std::optional<QByteArray> caData =
            readFile(tls->clientCaFile, QStringLiteral("client_ca_file"), error);
        if (!caData)
            return std::nullopt;
        const QList<QSslCertificate> cas = QSslCertificate::fromData(*caData, QSsl::Pem);
        if (cas.isEmpty()) {
            *error = QStringLiteral("client_ca_file %1: no PEM certificate in it").arg(tls->clientCaFile);
            return std::nullopt;
        }
        ssl.setCaCertificates(cas);
    } else {
        ssl.setCaCertificates({});
    }

    switch (tls->clientAuth) {
    case ClientAuth::NoClientCert:
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        break;
    case ClientAuth::RequestClientCert:
    case ClientAuth::RequireAnyClientCert:     // the server checks that there is one
    case ClientAuth::VerifyClientCertIfGiven:  // the server drops a given one with errors
        ssl.setPeerVerifyMode(QSslSocket::QueryPeer);
        break;
    case ClientAuth::RequireAndVerifyClientCert:
        ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
        break;
    }

    // TLS 1.0 and 1.1 are deprecated in Qt (and need OpenSSL's security level 0), but the
    // toolkit format allows them.
    QT_WARNING_PUSH
    QT_WARNING_DISABLE_DEPRECATED
    switch (tls->minVersion) {
    case TlsVersion::Tls10: ssl.setProtocol(QSsl::TlsV1_0OrLater); break;
    case TlsVersion::Tls11: ssl.setProtocol(QSsl::TlsV1_1OrLater); break;
    case TlsVersion::Tls12: ssl.setProtocol(QSsl::TlsV1_2OrLater); break;
    case TlsVersion::Tls13: ssl.setProtocol(QSsl::TlsV1_3OrLater); break;
    }
    QT_WARNING_POP
    return ssl;
}
