// SPDX-License-Identifier: MIT
#include "snapshot.h"

std::optional<qint64> Snapshot::nixpkgsTimestamp() const
{
    for (const FlakeInput &input : flake.lock.inputs) {
        if (input.name == QLatin1String("nixpkgs") && input.lastModified)
            return input.lastModified;
    }
    if (generations.currentSystem)
        return generations.currentSystem->version.nixpkgsDate;
    return std::nullopt;
}
