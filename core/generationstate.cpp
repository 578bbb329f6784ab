// SPDX-License-Identifier: MIT
#include "generationstate.h"

#include <algorithm>

const Generation *GenerationState::generation(int number) const
{
    const auto found = std::lower_bound(generations.cbegin(), generations.cend(), number,
                                        [](const Generation &g, int n) { return g.number < n; });
    return found != generations.cend() && found->number == number ? &*found : nullptr;
}
