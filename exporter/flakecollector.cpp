// SPDX-License-Identifier: MIT
#include "collector.h"
#include "exposition.h"

namespace Collectors {

void renderFlake(const Snapshot &snapshot, qint64 now, const CollectorOptions &, Exposition &out)
{
    // A lock that could not be read says nothing: no inputs, no count of 0 nixpkgs inputs.
    if (!snapshot.flakeStatus.ok)
        return;
    const QList<FlakeInput> &inputs = snapshot.flake.lock.inputs;
    out.family("nixos_flake_input_age_seconds", "Age of flake input in seconds (from lastModified)");
    for (const FlakeInput &input : inputs) {
        if (input.lastModified)
            out.sample({{"input", input.name}}, double(now - *input.lastModified));
    }
    out.family("nixos_flake_input_last_modified_timestamp_seconds",
               "Commit time of a flake input as locked (lastModified)");
    for (const FlakeInput &input : inputs) {
        if (input.lastModified)
            out.sample({{"input", input.name}, {"type", input.type}, {"owner", input.owner},
                        {"ref", input.ref}},
                       double(*input.lastModified));
    }
    out.family("nixos_flake_input_info", "Locked revision and source of a flake input (value 1)");
    for (const FlakeInput &input : inputs) {
        out.sample({{"input", input.name}, {"rev", input.rev}, {"type", input.type},
                    {"owner", input.owner}, {"repo", input.repo}, {"ref", input.ref},
                    {"url", input.url}},
                   1);
    }

    // How nixpkgs is followed: by a branch that still gets updates, from NixOS itself.
    const QList<NixpkgsInputHealth> &nixpkgs = snapshot.flake.nixpkgs;
    out.family("nixos_flake_nixpkgs_inputs", "Number of root flake inputs that are nixpkgs");
    out.sample(double(nixpkgs.size()));
    out.family("nixos_flake_nixpkgs_branch_maintained",
               "1 if a nixpkgs input follows an unstable branch or a supported release branch");
    for (const NixpkgsInputHealth &input : nixpkgs)
        out.sample({{"input", input.input}, {"ref", input.ref}, {"release", input.release}}, input.maintained ? 1 : 0);
    out.family("nixos_flake_nixpkgs_official", "1 if a nixpkgs input comes from NixOS/nixpkgs or nixos.org");
    for (const NixpkgsInputHealth &input : nixpkgs)
        out.sample({{"input", input.input}}, input.official ? 1 : 0);
}

} // namespace Collectors
