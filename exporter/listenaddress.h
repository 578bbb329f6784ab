// SPDX-License-Identifier: MIT
#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>

#include <optional>

// "[host]:port" as Prometheus exporters take it: ":9971" (all interfaces), "127.0.0.1:9971",
// "[::1]:9971", "localhost:9971".
struct ListenAddress
{
    QHostAddress host = QHostAddress::Any;
    quint16 port = 9971;

    static std::optional<ListenAddress> parse(const QString &text, QString *error);
    QString toString() const;

    // Each of --web.listen-address (or the YAML list) is served. An address given twice is an
    // error (the second could not bind), except port 0, which takes a new port each time.
    static std::optional<QList<ListenAddress>> parseList(const QStringList &texts, QString *error);
    static QString join(const QList<ListenAddress> &addresses);
};
