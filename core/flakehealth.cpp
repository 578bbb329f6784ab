// SPDX-License-Identifier: MIT
#include "flakehealth.h"

#include <QDate>
#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

namespace FlakeHealth {
namespace {

// Releases come out at the end of these months.
constexpr int ReleaseMonths[] = {5, 11};

QDate releaseDate(int year, int month)
{
    return QDate(year, month, 1).addMonths(1).addDays(-1);
}

QString releaseName(int year, int month)
{
    return QStringLiteral("%1.%2").arg(year % 100, 2, 10, QLatin1Char('0')).arg(month, 2, 10, QLatin1Char('0'));
}

bool isNixpkgs(const FlakeInput &input, bool *official)
{
    static const QRegularExpression officialUrl(QStringLiteral(
        R"(^https?://(channels\.nixos\.org|releases\.nixos\.org|nixos\.org/channels)/|github\.com[/:]NixOS/nixpkgs(\.git)?([/?#]|$))"),
        QRegularExpression::CaseInsensitiveOption);
    if (!input.repo.isEmpty()) {
        *official = input.owner.compare(QLatin1String("NixOS"), Qt::CaseInsensitive) == 0
                    && (input.type == QLatin1String("github") || input.type == QLatin1String("gitlab"));
        return input.repo == QLatin1String("nixpkgs");
    }
    if (input.type == QLatin1String("indirect")) {
        *official = true;  // the default registry points "nixpkgs" at NixOS/nixpkgs
        return input.url == QLatin1String("nixpkgs");
    }
    *official = officialUrl.match(input.url).hasMatch();
    return *official || input.url.contains(QLatin1String("nixpkgs"));
}

// "nixos-26.05", "nixos-26.05-small", "nixpkgs-26.05-darwin", "release-26.05" -> "26.05"
QString releaseOf(const QString &ref)
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(^(?:nixos|nixpkgs|release)-(\d{2}\.\d{2})(?:-small|-darwin)?$)"));
    return pattern.match(ref).captured(1);
}

bool isUnstable(const QString &ref)
{
    return ref == QLatin1String("nixos-unstable") || ref == QLatin1String("nixos-unstable-small")
           || ref == QLatin1String("nixpkgs-unstable");
}

// A channel tarball URL names its branch: channels.nixos.org/nixos-26.05/nixexprs.tar.xz.
QString refFromUrl(const QString &url)
{
    static const QRegularExpression channel(QStringLiteral(R"(/((?:nixos|nixpkgs)-[0-9a-z.\-]+?)(?:/|$))"));
    return channel.match(url).captured(1);
}

} // namespace

QStringList supportedReleases(qint64 now)
{
    const QDate today = QDateTime::fromSecsSinceEpoch(now, QTimeZone::utc()).date();
    QStringList releases;
    for (int year = today.year() - 1; year <= today.year() + 1; ++year) {
        for (int month : ReleaseMonths) {
            const QDate released = releaseDate(year, month);
            const QDate next = releaseDate(month == 5 ? year : year + 1, month == 5 ? 11 : 5);
            const QDate from = released.addMonths(-1);
            const QDate until = next.addMonths(1);
            if (from <= today && today <= until)
                releases.append(releaseName(year, month));
        }
    }
    return releases;
}

QList<NixpkgsInputHealth> nixpkgsInputs(const FlakeLock &lock, const QStringList &supportedReleases)
{
    QList<NixpkgsInputHealth> result;
    for (const FlakeInput &input : lock.inputs) {
        NixpkgsInputHealth health;
        if (!isNixpkgs(input, &health.official))
            continue;
        health.input = input.name;
        health.ref = input.ref.isEmpty() ? refFromUrl(input.url) : input.ref;
        // git inputs name branches in full: refs/heads/nixos-unstable.
        const QString branch = health.ref.startsWith(QLatin1String("refs/heads/")) ? health.ref.mid(11) : health.ref;
        health.release = releaseOf(branch);
        health.maintained = isUnstable(branch)
                            || (!health.release.isEmpty() && supportedReleases.contains(health.release));
        result.append(health);
    }
    return result;
}

} // namespace FlakeHealth
