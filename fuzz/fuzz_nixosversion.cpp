// SPDX-License-Identifier: MIT
// libFuzzer target: NixosVersion::parse on arbitrary text (the content of <system>/nixos-version).
#include "nixosversion.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString label = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const NixosVersion version = NixosVersion::parse(label);
    // A recognised release always comes with a label to show.
    if (!version.release.isEmpty() && version.label.isEmpty())
        __builtin_trap();
    return 0;
}
