// SPDX-License-Identifier: MIT
#include "upgradenotice.h"

#include "snapshot.h"
#include "statustext.h"
#include "upgradestate.h"

namespace UpgradeNotice {

std::optional<Assessment::Finding> of(const Snapshot &snapshot)
{
    if (Upgrade::pending(snapshot) != std::optional<bool>(true))
        return std::nullopt;
    const UpgradeState &upgrade = snapshot.upgrade;
    // A configured URL has no channel name: say what was checked.
    const QString followed = upgrade.channel.isEmpty() ? upgrade.url : upgrade.channel;
    QString message = QStringLiteral("%1 is at %2, this system's nixpkgs at %3")
                          .arg(followed, upgrade.headRevision.left(7),
                               Upgrade::localNixpkgs(snapshot).revision.left(7));
    if (const std::optional<qint64> behind = Upgrade::behindSeconds(snapshot); behind && *behind > 0)
        message += QStringLiteral(" (%1 older)").arg(StatusText::age(*behind));
    return Assessment::Finding{Code, Assessment::Level::Attention, message, Code + QLatin1Char(':') + followed};
}

} // namespace UpgradeNotice
