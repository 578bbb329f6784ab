// SPDX-License-Identifier: MIT
#include "storeclosure.h"

std::optional<qint64> StoreClosure::sizeBytes() const
{
    qint64 sum = 0;
    for (const StorePathInfo &info : paths) {
        if (!info.narSize)
            return std::nullopt;
        sum += *info.narSize;
    }
    return sum;
}
