// SPDX-License-Identifier: MIT
#include "nixosversion.h"

#include <QDate>
#include <QRegularExpression>


NixosVersion NixosVersion::parse(const QString &label)
{
    // <YY.MM> then ".<YYYYMMDD or revCount>" (flakes, stable channels) or "pre<revCount>"
    // (unstable channels), then ".<short rev>" unless the tree was dirty.
    static const QRegularExpression pattern(QStringLiteral(
        R"(^(\d{2}\.\d{2})(?:(?:\.|pre)(\d+)(?:\.([0-9a-f]{7,40})(?![0-9a-zA-Z]))?)?)"));
    NixosVersion version;
    version.label = label.trimmed();
    const QRegularExpressionMatch match = pattern.match(version.label);
    if (!match.hasMatch())
        return version;
    version.release = match.captured(1);
    version.nixpkgsRevision = match.captured(3);
    const QString dateOrCount = match.captured(2);
    if (dateOrCount.size() == 8) {
        const QDate date = QDate::fromString(dateOrCount, QStringLiteral("yyyyMMdd"));
        if (date.isValid())
            version.nixpkgsDate = QDate(1970, 1, 1).daysTo(date) * 24 * 3600;
    }
    return version;
}
