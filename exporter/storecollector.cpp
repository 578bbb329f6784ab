// SPDX-License-Identifier: MIT
#include "collector.h"
#include "exposition.h"

namespace Collectors {

namespace {

// The booted and current closures and the package changes between them. Read when either
// system changes, not with the store figures: a later failed refresh of those leaves this
// true (store paths never change).
void renderRebootChanges(const SystemDiff &diff, Exposition &out)
{
    const std::pair<QString, const SystemDiff::Side *> systems[] = {{QStringLiteral("current"), &diff.to},
                                                                     {QStringLiteral("booted"), &diff.from}};
    out.family("nixos_system_closure_size_bytes",
               "Sum of the NAR sizes of the system's closure (Nix database)");
    for (const auto &[name, side] : systems) {
        if (side->sizeBytes)
            out.sample({{"system", name}}, double(*side->sizeBytes));
    }
    out.family("nixos_system_closure_paths", "Number of store paths in the system's closure (Nix database)");
    for (const auto &[name, side] : systems)
        out.sample({{"system", name}}, double(side->pathCount));
    out.family("nixos_reboot_pending_changes",
               "Packages a reboot would change (booted -> current), by kind, as nix store diff-closures groups them");
    for (const PackageChange::Kind kind : PackageChange::Kinds)
        out.sample({{"kind", PackageDiff::kindName(kind)}}, double(diff.packages.count(kind)));
}

// The last result read from the Nix database; the monitor refreshes it at its own interval.
void renderStoreStats(const StoreStats &store, Exposition &out)
{
    if (store.sizeBytes) {
        out.family("nixos_store_size_bytes",
                   "Sum of the NAR sizes of all valid store paths (Nix database)");
        out.sample(double(*store.sizeBytes));
    }
    if (store.pathCount) {
        out.family("nixos_store_path_count", "Number of valid store paths (Nix database)");
        out.sample(double(*store.pathCount));
    }
    if (store.gcRoots) {
        out.family("nixos_store_gc_roots", "Number of GC root links in /nix/var/nix/gcroots and "
                                           "the profiles (without runtime roots)");
        out.sample(double(*store.gcRoots));
    }
}

} // namespace

void renderStore(const Snapshot &snapshot, qint64, const CollectorOptions &, Exposition &out)
{
    // A failed read leaves the store figures out.
    if (snapshot.storeStatus.ok)
        renderStoreStats(snapshot.store, out);
    if (snapshot.rebootChanges)
        renderRebootChanges(*snapshot.rebootChanges, out);
}

} // namespace Collectors
