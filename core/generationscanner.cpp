// SPDX-License-Identifier: MIT
#include "generationscanner.h"

#include "systemlayout.h"

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

Generation readGeneration(const SystemLayout &layout, int number, const QString &link,
                          QStringList &problems)
{
    Generation generation;
    generation.number = number;
    generation.created = layout.linkMTime(link).value_or(0);
    QString error;
    if (const std::optional<QString> target = layout.resolve(link, &error))
        generation.system = SystemClosure::read(layout, *target);
    else
        problems.append(QStringLiteral("%1: %2").arg(link, error));
    return generation;
}

// The running or booted system, or nullopt (with the reason in problems) when the link is
// missing or dangles.
std::optional<SystemClosure> readSystemLink(const SystemLayout &layout, const QString &link,
                                            QStringList &problems)
{
    QString error;
    const std::optional<QString> target = layout.resolve(link, &error);
    if (!target) {
        problems.append(QStringLiteral("%1: %2").arg(link, error));
        return std::nullopt;
    }
    return SystemClosure::read(layout, *target);
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
    GenerationState state;
    // A missing or unreadable profiles directory says nothing about how many generations
    // there are: unknown, not none.
    const std::optional<QString> profiles = layout.resolve(SystemLayout::ProfilesDir);
    const QFileInfo profilesInfo(profiles ? layout.hostPath(*profiles) : QString());
    state.generationsListed = profiles && profilesInfo.isDir() && profilesInfo.isReadable();
    if (!state.generationsListed)
        state.problems.append(QStringLiteral("%1: not a readable directory").arg(SystemLayout::ProfilesDir));
    for (const QString &name : layout.listDirectory(SystemLayout::ProfilesDir)) {
        if (const std::optional<int> number = generationNumber(name))
            state.generations.append(readGeneration(
                layout, *number, SystemLayout::ProfilesDir + QLatin1Char('/') + name, state.problems));
    }
    std::sort(state.generations.begin(), state.generations.end(),
              [](const Generation &a, const Generation &b) { return a.number < b.number; });

    state.currentSystem = readSystemLink(layout, SystemLayout::CurrentSystem, state.problems);
    state.bootedSystem = readSystemLink(layout, SystemLayout::BootedSystem, state.problems);
    if (state.currentSystem)
        state.currentGeneration = generationWithStorePath(state.generations, state.currentSystem->storePath);
    if (state.bootedSystem)
        state.bootedGeneration = generationWithStorePath(state.generations, state.bootedSystem->storePath);

    // The system profile links to "system-N-link": the default generation by name.
    if (const std::optional<QString> profile = layout.linkTarget(SystemLayout::SystemProfile))
        state.defaultGeneration = generationNumber(QFileInfo(*profile).fileName());
    else
        state.problems.append(QStringLiteral("%1: not a readable link").arg(SystemLayout::SystemProfile));
    return state;
}

} // namespace GenerationScanner
