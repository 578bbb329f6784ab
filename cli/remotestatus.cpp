// SPDX-License-Identifier: MIT
#include "remotestatus.h"

#include "safeurl.h"
#include "statusjson.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace RemoteStatus {

std::optional<QJsonObject> fetch(const QUrl &url, int timeoutMs, QString *error)
{
    const QString shownUrl = SafeUrl::of(url.toString());
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs);
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
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
