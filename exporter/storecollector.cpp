// SPDX-License-Identifier: MIT
#include "collector.h"
#include "exposition.h"

namespace Collectors {

void renderStore(const Snapshot &snapshot, qint64, const CollectorOptions &, Exposition &out)
{
    // The last result read from the Nix database; the monitor refreshes it at its own
    // interval. A failed read leaves everything out.
    if (!snapshot.storeStatus.ok)
        return;
    const StoreStats &store = snapshot.store;
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

} // namespace Collectors
