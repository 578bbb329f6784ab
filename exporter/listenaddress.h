// SPDX-License-Identifier: MIT
#pragma once

#include <QHostAddress>
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
};
