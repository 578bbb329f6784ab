// SPDX-License-Identifier: MIT
#include "statustext.h"

#include "assessment.h"
#include "snapshot.h"

namespace StatusText {
namespace {

const QString Separator = QStringLiteral(" · ");

QString plural(qint64 count, const char *unit)
{
    return count == 1 ? QStringLiteral("1 %1").arg(QLatin1String(unit))
                      : QStringLiteral("%1 %2s").arg(count).arg(QLatin1String(unit));
}

QString generationPart(const GenerationState &state)
{
    if (!state.currentSystem)
        return QStringLiteral("generation unknown (running system unreadable)");
    QString text = state.currentGeneration ? QStringLiteral("generation %1").arg(*state.currentGeneration)
                                           : QStringLiteral("running system is no generation");
    if (state.bootedGeneration && state.bootedGeneration != state.currentGeneration)
        text += QStringLiteral(" (booted %1)").arg(*state.bootedGeneration);
    return text;
}

// Said even when unknown (no flake input date, no readable label): silence would read as
// "nothing to worry about".
QString nixpkgsPart(const Snapshot &snapshot, qint64 now)
{
    const std::optional<qint64> nixpkgs = snapshot.nixpkgsTimestamp();
    if (!nixpkgs)
        return QStringLiteral("nixpkgs age unknown");
    return QStringLiteral("nixpkgs %1 old").arg(age(now - *nixpkgs));
}

// Staleness is already said by the ages in the text; reboots and failures are not.
bool toldByAges(const Assessment::Finding &finding)
{
    return finding.code == QLatin1String("generation-stale") || finding.code == QLatin1String("nixpkgs-stale");
}

} // namespace

QString age(qint64 seconds)
{
    if (seconds < 3600)
        return plural(std::max<qint64>(seconds / 60, 0), "minute");
    if (seconds < 2 * 86400)
        return plural(seconds / 3600, "hour");
    return plural(seconds / 86400, "day");
}

QString summary(const Snapshot &snapshot, const Assessment &assessment, qint64 now)
{
    QStringList parts{generationPart(snapshot.generations), nixpkgsPart(snapshot, now)};
    for (const Assessment::Finding &finding : assessment.findings) {
        if (!toldByAges(finding))
            parts.append(finding.message);
    }
    return parts.join(Separator);
}

QStringList lines(const Snapshot &snapshot, const Assessment &assessment, qint64 now)
{
    const GenerationState &state = snapshot.generations;
    QStringList result;
    QString running = generationPart(state);
    if (const Generation *current = state.current())
        running = QStringLiteral("generation %1, built %2 ago").arg(current->number).arg(age(now - current->created));
    result.append(running);
    if (state.bootedGeneration && state.bootedGeneration != state.currentGeneration)
        result.append(QStringLiteral("booted generation %1").arg(*state.bootedGeneration));
    result.append(nixpkgsPart(snapshot, now));
    for (const Assessment::Finding &finding : assessment.findings) {
        if (!toldByAges(finding))
            result.append(finding.message);
    }
    return result;
}

} // namespace StatusText
