// SPDX-License-Identifier: MIT
#include "goldenfixture.h"

#include <QDateTime>
#include <QFile>
#include <QTimeZone>

namespace GoldenFixture {

StorePaths build(FixtureTree &tree, qint64 generation47Created)
{
    constexpr qint64 Day = 86400;
    FixtureTree::SystemSpec spec;
    spec.name = QStringLiteral("golden");
    spec.kernelVersion = QStringLiteral("6.12.41");
    spec.label = QStringLiteral("26.05.20260901.1a2b3c4");
    const QString s45 = tree.addSystem(spec);
    spec.label = QStringLiteral("26.05.20261001.2b3c4d5");
    const QString s46 = tree.addSystem(spec);
    spec.kernelVersion = QStringLiteral("6.12.52");
    spec.label = QStringLiteral("26.05.20260809.33ddeb9");
    const QString s47 = tree.addSystem(spec);
    tree.addGeneration(45, s45, generation47Created - 20 * Day);
    tree.addGeneration(46, s46, generation47Created - 10 * Day);
    tree.addGeneration(47, s47, generation47Created);
    tree.setDefaultGeneration(47);
    tree.setCurrentSystem(s47);
    tree.setBootedSystem(s46);

    QFile lock(QStringLiteral(NIXOS_TEST_DATA "/flake-locks/nixos-infra.lock"));
    if (lock.open(QIODevice::ReadOnly))
        tree.writeFile(QStringLiteral("/etc/nixos/flake.lock"), lock.readAll());
    return {s46, s47};
}

QString buildHealthy(FixtureTree &tree, qint64 now)
{
    FixtureTree::SystemSpec spec;
    spec.name = QStringLiteral("healthy");
    spec.label = QStringLiteral("26.11.%1.abcdef0")
                     .arg(QDateTime::fromSecsSinceEpoch(now, QTimeZone::utc()).toString(QStringLiteral("yyyyMMdd")));
    const QString system = tree.addSystem(spec);
    tree.addGeneration(12, system, now - 86400);
    tree.setDefaultGeneration(12);
    tree.setCurrentSystem(system);
    tree.setBootedSystem(system);
    return system;
}

} // namespace GoldenFixture
