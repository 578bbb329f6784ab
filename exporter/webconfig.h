// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>

#include <optional>

class QSslConfiguration;

// The file of --web.config.file, in the Prometheus exporter-toolkit format that node_exporter
// and the other official exporters read:
//
//   tls_server_config:
//     cert_file: server.crt          # relative paths are relative to this file
//     key_file: server.key
//     client_auth_type: RequireAndVerifyClientCert   # default NoClientCert
//     client_ca_file: clients.crt
//     min_version: TLS13                              # TLS10..TLS13, default TLS12
//   basic_auth_users:
//     prometheus: $2y$10$...          # bcrypt
//
// Keys of the toolkit that this exporter does not implement (cipher_suites, max_version,
// http_server_config, ...) are errors, like misspelt ones: a setting that is silently
// ignored would be a security hole.
struct WebConfig
{
    enum class ClientAuth {
        NoClientCert,
        RequestClientCert,
        RequireAnyClientCert,
        VerifyClientCertIfGiven,
        RequireAndVerifyClientCert,
    };
    enum class TlsVersion { Tls10, Tls11, Tls12, Tls13 };

    struct Tls
    {
        QString certFile;
        QString keyFile;
        ClientAuth clientAuth = ClientAuth::NoClientCert;
        QString clientCaFile;
        TlsVersion minVersion = TlsVersion::Tls12;
    };

    std::optional<Tls> tls;                  // nullopt: plain HTTP
    QMap<QByteArray, QByteArray> basicAuthUsers;  // user -> bcrypt hash; empty: no auth

    // Reads and checks the file; errors are "file:line: message" naming the key.
    static std::optional<WebConfig> load(const QString &fileName, QString *error);
    // The same from text in memory; paths are resolved against fileName's directory, which is
    // otherwise only used in messages. Pure: reads no files.
    static std::optional<WebConfig> loadYamlText(const QByteArray &text, const QString &fileName,
                                                 QString *error);

    // The server side TLS settings, reading the certificate, key and client CA files.
    // nullopt with a one-line error if one cannot be read or the key does not fit.
    std::optional<QSslConfiguration> sslConfiguration(QString *error) const;
};
