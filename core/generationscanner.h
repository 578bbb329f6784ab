// SPDX-License-Identifier: MIT
#pragma once

#include "generationstate.h"

class SystemLayout;

// Reads the generations and the current, booted and default systems of a layout.
namespace GenerationScanner {
// Parses "system-47-link" into 47; nullopt for other names.
std::optional<int> generationNumber(const QString &linkName);

GenerationState scan(const SystemLayout &layout);
} // namespace GenerationScanner
