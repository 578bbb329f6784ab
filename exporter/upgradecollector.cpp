// SPDX-License-Identifier: MIT
#include "collector.h"
#include "exposition.h"
#include "upgradestate.h"

namespace Collectors {

void renderUpgrade(const Snapshot &snapshot, qint64, const CollectorOptions &, Exposition &out)
{
    // The last good answer stays while later checks fail (success says so); before the
    // first one nothing is known and nothing is written.
    const UpgradeState &upgrade = snapshot.upgrade;
    if (upgrade.headRevision.isEmpty())
        return;
    if (const std::optional<bool> pending = Upgrade::pending(snapshot)) {
        out.family(
            "nixos_upgrade_pending",
            "1 if the channel head differs from the nixpkgs revision the system was built from");
        out.sample(*pending ? 1 : 0);
    }
    if (const std::optional<qint64> behind = Upgrade::behindSeconds(snapshot)) {
        out.family("nixos_upgrade_behind_seconds", "How far the channel head is ahead of the "
                                                   "system's nixpkgs: its Last-Modified minus the "
                                                   "local commit time (0 when up to date)");
        out.sample(double(*behind));
    }
    out.family("nixos_upgrade_channel_revision_info",
               "Revision at the head of the followed channel (value 1)");
    out.sample({{"channel", upgrade.channel}, {"revision", upgrade.headRevision}}, 1);
    if (upgrade.headLastModified) {
        out.family("nixos_upgrade_channel_last_modified_timestamp_seconds",
                   "Last-Modified of the channel head's git-revision file");
        out.sample(double(*upgrade.headLastModified));
    }
    out.family("nixos_upgrade_last_check_timestamp_seconds",
               "When the channel head was last read successfully");
    out.sample(double(upgrade.checkedAt));
}

} // namespace Collectors
