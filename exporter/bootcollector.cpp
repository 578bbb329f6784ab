// SPDX-License-Identifier: MIT
#include "collector.h"
#include "exposition.h"

namespace Collectors {

void renderBoot(const Snapshot &snapshot, qint64, const CollectorOptions &, Exposition &out)
{
    // Read with every scan of the monitor. What is unknown (the entries of an ESP the
    // exporter may not list, everything in a container without /boot) is left out.
    if (!snapshot.bootStatus.ok)
        return;
    const BootState &boot = snapshot.boot;
    const auto gauge = [&out](const char *name, const char *help, const std::optional<qint64> &value) {
        if (!value)
            return;
        out.family(name, help);
        out.sample(double(*value));
    };
    gauge("nixos_boot_entries", "NixOS's boot loader entries (generations and specialisations) on the boot file system",
          boot.entries);
    gauge("nixos_boot_entry_bytes", "Bytes the NixOS boot entries and the kernels and initrds they name take, each file once",
          boot.entryBytes);
    gauge("nixos_boot_free_bytes", "Free bytes of the boot file system (statfs, as df shows them)", boot.freeBytes);
    gauge("nixos_boot_size_bytes", "Size of the boot file system (statfs)", boot.sizeBytes);
    gauge("nixos_boot_generation_bytes",
          "Bytes a new generation with a new kernel and initrd would take on the boot file system", boot.generationBytes);
}

} // namespace Collectors
