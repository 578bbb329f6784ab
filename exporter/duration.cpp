// SPDX-License-Identifier: MIT
#include "duration.h"

#include <QRegularExpression>

namespace Duration {
namespace {
struct Unit
{
    const char *suffix;
    qint64 ms;
};
// Largest first, as the text must be written.
constexpr Unit Units[] = {{"w", 7 * 86'400'000LL}, {"d", 86'400'000LL}, {"h", 3'600'000LL},
                          {"m", 60'000LL},         {"s", 1000LL},       {"ms", 1LL}};
} // namespace

std::optional<qint64> parse(const QString &text, QString *error)
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$)"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    qint64 total = 0;
    if (match.hasMatch() && !text.trimmed().isEmpty()) {
        for (int i = 0; i < 6; ++i) {
            const QString part = match.captured(i + 1);
            if (part.isEmpty())
                continue;
            bool ok = false;
            const qint64 count = part.toLongLong(&ok);
            if (!ok || count > (qint64(1) << 40) / Units[i].ms) {
                total = -1;
                break;
            }
            total += count * Units[i].ms;
        }
        if (total > 0)
            return total;
    }
    if (error)
        *error = QStringLiteral("\"%1\" is not a duration greater than 0 (like 30s, 5m, 6h, 1h30m)")
                     .arg(text);
    return std::nullopt;
}

QString format(qint64 milliseconds)
{
    if (milliseconds <= 0)
        return QStringLiteral("0s");
    QString text;
    for (const Unit &unit : Units) {
        if (milliseconds >= unit.ms) {
            text += QString::number(milliseconds / unit.ms) + QLatin1String(unit.suffix);
            milliseconds %= unit.ms;
        }
    }
    return text;
}

} // namespace Duration
