// SPDX-License-Identifier: MIT
#include "collector.h"
#include "exposition.h"
#include "rebootcheck.h"

namespace Collectors {
namespace {

using System = std::pair<const char *, const std::optional<SystemClosure> *>;

void renderOptional(Exposition &out, const char *name, const char *help, const std::optional<int> &value)
{
    if (!value)
        return;
    out.family(name, help);
    out.sample(*value);
}

void renderSystems(const std::initializer_list<System> systems, Exposition &out)
{
    out.family("nixos_version_info",
               "NixOS label of the current and booted system (value 1), from <system>/nixos-version");
    for (const auto &[role, closure] : systems) {
        if (*closure && !(*closure)->version.label.isEmpty()) {
            const NixosVersion &version = (*closure)->version;
            out.sample({{"system", QLatin1String(role)}, {"version", version.label},
                        {"release", version.release}, {"nixpkgs_revision", version.nixpkgsRevision}},
                       1);
        }
    }
    out.family("nixos_nixpkgs_timestamp_seconds",
               "Date of the nixpkgs commit a system was built from, from its NixOS label");
    for (const auto &[role, closure] : systems) {
        if (*closure && (*closure)->version.nixpkgsDate)
            out.sample({{"system", QLatin1String(role)}}, double(*(*closure)->version.nixpkgsDate));
    }
    out.family("nixos_kernel_info", "Kernel version of the current and booted system (value 1)");
    for (const auto &[role, closure] : systems) {
        if (*closure && !(*closure)->kernelVersion.isEmpty())
            out.sample({{"system", QLatin1String(role)}, {"version", (*closure)->kernelVersion}}, 1);
    }
}

void renderReboot(const SystemClosure &booted, const SystemClosure &current, Exposition &out)
{
    out.family("nixos_config_mismatch", "1 if the booted system differs from the current one");
    out.sample(booted.storePath != current.storePath ? 1 : 0);

    const QList<RebootReason> reasons = RebootCheck::reasons(booted, current);
    out.family("nixos_reboot_required",
               "1 if the booted and current system differ in kernel, initrd, kernel modules, "
               "systemd or init interface");
    out.sample(reasons.isEmpty() ? 0 : 1);
    out.family("nixos_reboot_required_reason",
               "1 for each part that differs between the booted and current system");
    for (const RebootReason::Part part : RebootCheck::AllParts) {
        const bool differs = std::any_of(reasons.cbegin(), reasons.cend(),
                                         [part](const RebootReason &r) { return r.part == part; });
        out.sample({{"reason", RebootCheck::partName(part)}}, differs ? 1 : 0);
    }
}

// Whether a generation gets its own series under the bound: the newest maxSeries
// (generations are ascending by number), and always the ones alerts and dashboards ask
// about, however old.
bool keepsSeries(const GenerationState &state, const Generation &generation, int maxSeries)
{
    if (maxSeries <= 0 || generation.number == state.currentGeneration
        || generation.number == state.bootedGeneration || generation.number == state.defaultGeneration)
        return true;
    const qsizetype newest = state.generations.size() - maxSeries;
    return &generation - state.generations.constData() >= newest;
}

} // namespace

void renderGeneration(const Snapshot &snapshot, qint64 now, const CollectorOptions &options, Exposition &out)
{
    // A failed read (no running system: an empty or vanished root) knows nothing, so nothing
    // is written, not a count of 0; nixos_exporter_collector_success says it failed.
    if (!snapshot.generationStatus.ok)
        return;
    const GenerationState &state = snapshot.generations;
    if (state.generationsListed) {
        out.family("nixos_generation_count", "Number of system generations");
        out.sample(state.generations.size());
    }
    renderOptional(out, "nixos_current_generation", "Currently active generation number",
                   state.currentGeneration);
    renderOptional(out, "nixos_booted_generation", "Generation that was booted",
                   state.bootedGeneration);
    renderOptional(out, "nixos_default_generation",
                   "Generation the system profile points to, booted by default next time",
                   state.defaultGeneration);

    if (const Generation *current = state.current()) {
        out.family("nixos_generation_age_seconds", "Age of the current generation in seconds");
        out.sample(double(now - current->created));
    }
    out.family("nixos_generation_timestamp_seconds",
               "Creation time of a system generation (mtime of its profile link): the newest "
               "--collector.generation.max-series (default 10, 0 for all) and the current, "
               "booted and default ones");
    for (const Generation &generation : state.generations) {
        if (keepsSeries(state, generation, options.generationMaxSeries))
            out.sample({{"generation", QString::number(generation.number)}}, double(generation.created));
    }

    if (state.bootedSystem && state.currentSystem)
        renderReboot(*state.bootedSystem, *state.currentSystem, out);
    renderSystems({{"current", &state.currentSystem}, {"booted", &state.bootedSystem}}, out);
}

} // namespace Collectors
