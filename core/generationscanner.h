// SPDX-License-Identifier: MIT
#pragma once

#include "fileid.h"
#include "generationstate.h"
#include "scancache.h"

class SystemLayout;

// Reads the generations and the current, booted and default systems of a layout.
namespace GenerationScanner {
// Parses "system-47-link" into 47; nullopt for other names.
std::optional<int> generationNumber(const QString &linkName);

// What one scan keeps for the next: the closure of every system store path a generation, the
// running or the booted system points at, by store path. A store path is never changed once
// written, so it is read again only when it names another directory than the one read
// (deleted and made again). One scan at a time.
struct Cache
{
    struct Closure
    {
        FileId directory;
        SystemClosure system;
    };
    ScanCache<QString, Closure> closures;
};

// A full read; nothing is kept.
GenerationState scan(const SystemLayout &layout);
// Reads only what cache does not hold, and keeps what this scan used for the next.
GenerationState scan(const SystemLayout &layout, Cache &cache);
} // namespace GenerationScanner
