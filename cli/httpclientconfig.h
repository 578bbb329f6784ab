// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

class QNetworkRequest;

// The file of `nixos-status --remote ... --http.config.file FILE`: the client part of
// Prometheus' HTTP configuration, the file promtool reads with the same flag (and the keys a
// scrape config has for basic_auth, authorization and tls_config). The subset that makes sense
// for reading one exporter:
//
//   basic_auth:
//     username: prometheus          # or username_file
//     password_file: /run/keys/pw   # or password (in this file, never on the command line)
//   authorization:                  # instead of basic_auth
//     type: Bearer                  # the default
//     credentials_file: /run/keys/token   # or credentials
//   tls_config:
//     ca_file: ca.crt               # relative paths are relative to this file
//     cert_file: client.crt         # a client certificate, with key_file
//     key_file: client.key
//     server_name: exporter.example.org   # the name the certificate must have
//     insecure_skip_verify: false
//     min_version: TLS13            # TLS12 (default) or TLS13
//   follow_redirects: true
//
// Secret files are read when the request is made; their content is trimmed of surrounding
// white space, as Prometheus does. Keys of Prometheus' format that this does not implement
// (oauth2, proxy_url, http_headers, ...) are errors naming the file and line, like misspelt
// ones: an ignored setting could send credentials in a way nobody asked for.
struct HttpClientConfig
{
    enum class TlsVersion
    {
        Tls12,
        Tls13
    };

    struct Secret
    {
        QString value; // given in the file
        QString file;  // or a file holding it
        bool isSet() const { return !value.isEmpty() || !file.isEmpty(); }
    };

    struct BasicAuth
    {
        Secret username;
        Secret password;
    };
    struct Authorization
    {
        QString type = QStringLiteral("Bearer");
        Secret credentials;
    };

    std::optional<BasicAuth> basicAuth;
    std::optional<Authorization> authorization;
    bool hasTls = false; // a tls_config section: without one the request's TLS stays Qt's default
    QString caFile;
    QString certFile;
    QString keyFile;
    QString serverName;
    bool insecureSkipVerify = false;
    TlsVersion minVersion = TlsVersion::Tls12;
    bool followRedirects = true;

    bool hasCredentials() const { return basicAuth || authorization; }

    // Reads and checks the file; errors are "file:line: message" naming the key.
    static std::optional<HttpClientConfig> load(const QString &fileName, QString *error);
    // The same from text in memory; relative paths are resolved against fileName's directory.
    // Pure: reads no files.
    static std::optional<HttpClientConfig> loadYamlText(const QByteArray &text,
                                                        const QString &fileName, QString *error);

    // Puts the Authorization header and the TLS settings on a request, reading the secret,
    // CA, certificate and key files. false with a one-line error naming the file.
    bool apply(QNetworkRequest &request, QString *error) const;

private:
    bool applyTls(QNetworkRequest &request, QString *error) const;
};
