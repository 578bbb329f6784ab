// SPDX-License-Identifier: MIT
#include "upgradestate.h"

#include "snapshot.h"

#include <QRegularExpression>

namespace Upgrade {

LocalNixpkgs localNixpkgs(const Snapshot &snapshot)
{
    for (const FlakeInput &input : snapshot.flake.lock.inputs) {
        if (input.name == QLatin1String("nixpkgs") && !input.rev.isEmpty())
            return {input.rev, input.lastModified, QStringLiteral("flake")};
    }
    if (snapshot.generations.currentSystem &&
        !snapshot.generations.currentSystem->version.nixpkgsRevision.isEmpty()) {
        const NixosVersion &version = snapshot.generations.currentSystem->version;
        return {version.nixpkgsRevision, version.nixpkgsDate, QStringLiteral("label")};
    }
    return {};
}

QString defaultChannel(const Snapshot &snapshot, QString *why)
{
    static const QRegularExpression channel(
        QStringLiteral(R"(^(nixos|nixpkgs)-(\d\d\.\d\d|unstable)(-small|-darwin)?$)"));
    for (const FlakeInput &input : snapshot.flake.lock.inputs) {
        if (input.name != QLatin1String("nixpkgs"))
            continue;
        if (channel.match(input.ref).hasMatch())
            return input.ref;
        if (why)
            *why = input.ref.isEmpty()
                       ? QStringLiteral("the flake's nixpkgs input names no branch")
                       : QStringLiteral(
                             "the flake's nixpkgs input follows \"%1\", which is no channel")
                             .arg(input.ref);
        return {};
    }
    if (snapshot.generations.currentSystem) {
        const QString release = snapshot.generations.currentSystem->version.release;
        if (!release.isEmpty())
            return QStringLiteral("nixos-") + release;
    }
    if (why)
        *why = QStringLiteral("neither a flake nixpkgs input nor a NixOS label names a release");
    return {};
}

bool sameRevision(const QString &a, const QString &b)
{
    const QString &shorter = a.size() <= b.size() ? a : b;
    const QString &longer = a.size() <= b.size() ? b : a;
    return shorter.size() >= 7 && longer.startsWith(shorter, Qt::CaseInsensitive);
}

std::optional<bool> pending(const Snapshot &snapshot)
{
    const QString local = localNixpkgs(snapshot).revision;
    const QString &head = snapshot.upgrade.headRevision;
    if (local.size() < 7 || head.size() < 7)
        return std::nullopt;
    return !sameRevision(local, head);
}

std::optional<qint64> behindSeconds(const Snapshot &snapshot)
{
    const std::optional<bool> isPending = pending(snapshot);
    if (!isPending)
        return std::nullopt;
    if (!*isPending)
        return 0;
    const std::optional<qint64> local = localNixpkgs(snapshot).timestamp;
    if (!local || !snapshot.upgrade.headLastModified)
        return std::nullopt;
    return std::max<qint64>(0, *snapshot.upgrade.headLastModified - *local);
}

} // namespace Upgrade
