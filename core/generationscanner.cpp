// SPDX-License-Identifier: MIT
#include "generationscanner.h"

#include "systemlayout.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>

namespace GenerationScanner {

std::optional<int> generationNumber(const QString &linkName)
{
    static const QRegularExpression pattern(QStringLiteral(R"(^system-([1-9][0-9]{0,8})-link$)"));
    const QRegularExpressionMatch match = pattern.match(linkName);
    if (!match.hasMatch())
        return std::nullopt;
    return match.captured(1).toInt();
}

namespace {

// The closure of the system at storePath (resolved: no link on the way), kept or read now.
SystemClosure closureOf(const SystemLayout &layout, Cache &cache, const QString &storePath)
{
    const FileId directory = FileId::of(layout.hostPath(storePath));
    const std::optional<Cache::Closure> kept = cache.closures.find(storePath);
    if (kept && kept->directory == directory && directory != FileId())
        return kept->system;
    const SystemClosure system = SystemClosure::read(layout, storePath);
    if (directory != FileId())
        cache.closures.insert(storePath, {directory, system});
    return system;
}

// The kept closure of the store path the link at linkHost names directly, as nix-env writes
// generation links (system-N-link -> /nix/store/...-nixos-system-...): one readlink and one
// stat instead of a walk through every component. Anything else takes the walk.
std::optional<SystemClosure> keptClosureOfLink(const SystemLayout &layout, Cache &cache,
                                               const QByteArray &linkHost)
{
    const std::optional<QString> target = SystemLayout::hostLinkTarget(linkHost);
    if (!target || !target->startsWith(QLatin1Char('/')))
        return std::nullopt;
    const std::optional<Cache::Closure> kept = cache.closures.find(*target);
    if (!kept || FileId::of(layout.hostPath(*target)) != kept->directory)
        return std::nullopt;
    return kept->system;
}

Generation readGeneration(const SystemLayout &layout, Cache &cache, int number,
                          const QString &profilesHost, const QString &name, QStringList &problems)
{
    Generation generation;
    generation.number = number;
    const QByteArray linkHost = QFile::encodeName(profilesHost + QLatin1Char('/') + name);
    generation.created = SystemLayout::hostLinkMTime(linkHost).value_or(0);
    if (const std::optional<SystemClosure> kept = keptClosureOfLink(layout, cache, linkHost)) {
        generation.system = *kept;
        return generation;
    }
    const QString link = SystemLayout::ProfilesDir + QLatin1Char('/') + name;
    QString error;
    if (const std::optional<QString> target = layout.resolve(link, &error))
        generation.system = closureOf(layout, cache, *target);
    else
        problems.append(QStringLiteral("%1: %2").arg(link, error));
    return generation;
}

// The running or booted system, or nullopt (with the reason in problems) when the link is
// missing or dangles.
std::optional<SystemClosure> readSystemLink(const SystemLayout &layout, Cache &cache,
                                            const QString &link, QStringList &problems)
{
    QString error;
    const std::optional<QString> target = layout.resolve(link, &error);
    if (!target) {
        problems.append(QStringLiteral("%1: %2").arg(link, error));
        return std::nullopt;
    }
    return closureOf(layout, cache, *target);
}

std::optional<int> generationWithStorePath(const QList<Generation> &generations,
                                           const QString &storePath)
{
    // Newest first: if two generations hold the same system, the later one is "the" one, as
    // in nixos-rebuild list-generations.
    const auto found = std::find_if(generations.crbegin(), generations.crend(), [&](const Generation &g) {
        return !g.system.storePath.isEmpty() && g.system.storePath == storePath;
    });
    return found == generations.crend() ? std::nullopt : std::optional<int>(found->number);
}

} // namespace

GenerationState scan(const SystemLayout &layout)
{
    Cache none;
    return scan(layout, none);
}

GenerationState scan(const SystemLayout &layout, Cache &cache)
{
    GenerationState state;
    // A missing or unreadable profiles directory says nothing about how many generations
    // there are: unknown, not none.
    const std::optional<QString> profiles = layout.resolve(SystemLayout::ProfilesDir);
    const QString profilesHost = profiles ? layout.hostPath(*profiles) : QString();
    const QFileInfo profilesInfo(profilesHost);
    state.generationsListed = profiles && profilesInfo.isDir() && profilesInfo.isReadable();
    if (!state.generationsListed)
        state.problems.append(QStringLiteral("%1: not a readable directory").arg(SystemLayout::ProfilesDir));
    for (const QString &name : layout.listDirectory(SystemLayout::ProfilesDir)) {
        if (const std::optional<int> number = generationNumber(name))
            state.generations.append(readGeneration(layout, cache, *number, profilesHost, name, state.problems));
    }
    std::sort(state.generations.begin(), state.generations.end(),
              [](const Generation &a, const Generation &b) { return a.number < b.number; });

    state.currentSystem = readSystemLink(layout, cache, SystemLayout::CurrentSystem, state.problems);
    state.bootedSystem = readSystemLink(layout, cache, SystemLayout::BootedSystem, state.problems);
    if (state.currentSystem)
        state.currentGeneration = generationWithStorePath(state.generations, state.currentSystem->storePath);
    if (state.bootedSystem)
        state.bootedGeneration = generationWithStorePath(state.generations, state.bootedSystem->storePath);

    // The system profile links to "system-N-link": the default generation by name.
    if (const std::optional<QString> profile = layout.linkTarget(SystemLayout::SystemProfile))
        state.defaultGeneration = generationNumber(QFileInfo(*profile).fileName());
    else
        state.problems.append(QStringLiteral("%1: not a readable link").arg(SystemLayout::SystemProfile));
    cache.closures.endScan();
    return state;
}

} // namespace GenerationScanner
