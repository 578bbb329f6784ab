// SPDX-License-Identifier: MIT
#include "systemselector.h"

#include "generationstate.h"
#include "systemlayout.h"

namespace SystemSelector {
namespace {

const QString StoreDir = QStringLiteral("/nix/store/");

// "/nix/store/<hash>-<name>/kernel" → "/nix/store/<hash>-<name>"
QString topLevel(const QString &path)
{
    const qsizetype slash = path.indexOf(QLatin1Char('/'), StoreDir.size());
    return slash < 0 ? path : path.left(slash);
}

std::optional<SelectedSystem> byPath(const SystemLayout &layout, const QString &name, const QString &path,
                                     const GenerationState &state, QString *error)
{
    QString why;
    const std::optional<QString> resolved = layout.resolve(path, &why);
    if (!resolved) {
        *error = QStringLiteral("%1: %2").arg(name, why);
        return std::nullopt;
    }
    if (!resolved->startsWith(StoreDir)) {
        *error = QStringLiteral("%1: %2 is not in %3").arg(name, *resolved, StoreDir);
        return std::nullopt;
    }
    SelectedSystem selected{name, topLevel(*resolved), std::nullopt};
    // The newest generation holding it, as GenerationScanner does for current and booted.
    for (auto it = state.generations.crbegin(); it != state.generations.crend(); ++it) {
        if (it->system.storePath == selected.storePath) {
            selected.generation = it->number;
            break;
        }
    }
    return selected;
}

} // namespace

std::optional<SelectedSystem> select(const SystemLayout &layout, const GenerationState &state,
                                     const QString &argument, QString *error)
{
    if (argument == QLatin1String("booted"))
        return byPath(layout, argument, SystemLayout::BootedSystem, state, error);
    if (argument == QLatin1String("current"))
        return byPath(layout, argument, SystemLayout::CurrentSystem, state, error);
    bool isNumber = false;
    const int number = argument.toInt(&isNumber);
    if (isNumber) {
        const Generation *generation = state.generation(number);
        if (!generation) {
            *error = QStringLiteral("generation %1: no such generation in %2").arg(argument, SystemLayout::ProfilesDir);
            return std::nullopt;
        }
        return byPath(layout, QStringLiteral("generation %1").arg(number),
                      QStringLiteral("%1/system-%2-link").arg(SystemLayout::ProfilesDir).arg(number), state, error);
    }
    if (argument.startsWith(QLatin1Char('/')))
        return byPath(layout, argument, argument, state, error);
    *error = QStringLiteral("\"%1\": not a generation number, booted, current or an absolute path").arg(argument);
    return std::nullopt;
}

std::optional<SelectedSystem> defaultFrom(const SystemLayout &layout, const GenerationState &state, QString *error)
{
    const std::optional<SelectedSystem> booted = select(layout, state, QStringLiteral("booted"), error);
    if (!booted)
        return std::nullopt;
    if (!state.currentSystem || booted->storePath != state.currentSystem->storePath)
        return booted;
    if (!state.currentGeneration) {
        *error = QStringLiteral("booted and current are the same system, which is no generation: give FROM");
        return std::nullopt;
    }
    const Generation *previous = nullptr;
    for (const Generation &generation : state.generations) {
        if (generation.number < *state.currentGeneration)
            previous = &generation;
    }
    if (!previous) {
        *error = QStringLiteral("booted and current are generation %1, the oldest there is: nothing to compare")
                     .arg(*state.currentGeneration);
        return std::nullopt;
    }
    return select(layout, state, QString::number(previous->number), error);
}

} // namespace SystemSelector
