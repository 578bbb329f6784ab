// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

class SystemLayout;

// Figures about the Nix store, from Nix's own database; never from walking /nix/store.
struct StoreStats
{
    std::optional<qint64> sizeBytes; // sum of ValidPaths.narSize (NULL sizes count as unknown)
    std::optional<qint64> pathCount; // rows of ValidPaths
    // Indirect and profile GC roots, counted as `nix-store --gc --print-roots` finds them
    // without the runtime roots in /proc: links under /nix/var/nix/gcroots (following the
    // links in gcroots/auto one hop to the root link they name) and under the profiles.
    std::optional<qint64> gcRoots;
    bool operator==(const StoreStats &) const = default;
};

namespace StoreStatsReader {
inline const QString DatabasePath = QStringLiteral("/nix/var/nix/db/db.sqlite");
inline const QString GcRootsDir = QStringLiteral("/nix/var/nix/gcroots");
// How long a read waits for a writer that holds the database (rollback journal) before it
// gives up: a refresh fails fast instead of hanging behind a long nix-store operation.
inline constexpr int BusyTimeoutMs = 1000;

// Reads the database below layout's root, read-only; returns an error line or an empty string.
QString read(const SystemLayout &layout, StoreStats &stats);
// The GC root count alone (part of read()); nullopt when there is no gcroots directory.
std::optional<qint64> countGcRoots(const SystemLayout &layout);
} // namespace StoreStatsReader
