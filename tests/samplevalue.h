// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QRegularExpression>
#include <QString>

// The value of one sample in a /metrics body, by its series exactly as written
// ("nixos_current_generation", "name{label=\"x\"}"); empty when there is no such line.
inline QString sampleValue(const QByteArray &metrics, const QString &series)
{
    const QRegularExpression line(QStringLiteral("^%1 (\\S+)$").arg(QRegularExpression::escape(series)),
                                  QRegularExpression::MultilineOption);
    return line.match(QString::fromUtf8(metrics)).captured(1);
}
