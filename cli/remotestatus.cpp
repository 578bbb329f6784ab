// SPDX-License-Identifier: MIT
#include "remotestatus.h"

#include "httpclientconfig.h"
#include "safeurl.h"
#include "statusjson.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslError>
#include <QTimer>

namespace RemoteStatus {

std::optional<QJsonObject> fetch(const QUrl &url, int timeoutMs, const HttpClientConfig &config, QString *error)
{
    const QString shownUrl = SafeUrl::of(url.toString());
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs);
    QString configError;
    if (!config.apply(request, &configError)) {
        *error = QStringLiteral("--http.config.file: %1").arg(configError);
        return std::nullopt;
    }
    QNetworkReply *reply = network.get(request);
    QStringList tlsErrors;
    QObject::connect(reply, &QNetworkReply::sslErrors, reply, [&tlsErrors](const QList<QSslError> &errors) {
        for (const QSslError &e : errors)
            tlsErrors.append(e.errorString());
    });
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    const int httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (httpStatus == 401) {
        *error = config.hasCredentials()
                     ? QStringLiteral("%1: HTTP 401: the exporter refused the credentials of --http.config.file")
                           .arg(shownUrl)
                     : QStringLiteral("%1: HTTP 401: the exporter wants credentials; give them with "
                                      "--http.config.file (basic_auth)")
                           .arg(shownUrl);
        return std::nullopt;
    }
    if (!tlsErrors.isEmpty()) {
        tlsErrors.removeDuplicates();
        *error = QStringLiteral("%1: TLS: %2%3")
                     .arg(shownUrl, tlsErrors.join(QStringLiteral("; ")),
                          config.caFile.isEmpty()
                              ? QStringLiteral(" (name the exporter's CA with tls_config.ca_file in --http.config.file)")
                              : QStringLiteral(" (with the CA of %1)").arg(config.caFile));
        return std::nullopt;
    }
    if (reply->error() != QNetworkReply::NoError) {
        // Qt's message can quote the URL, credentials included.
        *error = QStringLiteral("%1: %2").arg(shownUrl, SafeUrl::inText(reply->errorString()));
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(reply->readAll(), &parseError);
    if (!document.isObject()) {
        *error = QStringLiteral("%1: not a status document (%2)").arg(shownUrl, parseError.errorString());
        return std::nullopt;
    }
    const int schema = document.object()[QStringLiteral("schema_version")].toInt();
    if (schema != StatusJson::SchemaVersion) {
        *error = QStringLiteral("%1: status schema version %2, this nixos-status reads %3")
                     .arg(shownUrl)
                     .arg(schema)
                     .arg(StatusJson::SchemaVersion);
        return std::nullopt;
    }
    // An older exporter did not clean its own URLs: nothing it sends is shown as it came.
    return SafeUrl::inJson(document.object()).toObject();
}

} // namespace RemoteStatus
