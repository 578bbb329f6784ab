// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

class SystemLayout;
struct GenerationState;

// The boot file system and NixOS's entries on it: whether the next generation with a new
// kernel fits. Each figure may be unknown: the ESP is mounted with dmask=0077 on NixOS, so
// an unprivileged reader gets the file system's size and free bytes but cannot list it.
struct BootState
{
    QString path;    // system path read: /boot, /efi or /boot/efi; empty when there is none
    QString loader;  // "systemd-boot", "uki" (lanzaboote, other unified kernel images), "grub"; empty if unknown
    std::optional<qint64> sizeBytes;        // the file system's size (statfs)
    std::optional<qint64> freeBytes;        // bytes available to an unprivileged user, as df says
    std::optional<qint64> entries;          // NixOS's boot entries (generations, specialisations)
    std::optional<qint64> entryBytes;       // what the entries and the files they name take, each file once
    // What a new generation with a new kernel and initrd would take: the running system's
    // pair when it is not on the file system yet (or it cannot be listed), else the largest
    // pair there. 0 when the loader copies nothing (GRUB reading the kernels from the store).
    std::optional<qint64> generationBytes;
    QString entriesUnknown;                 // why entries are unknown, one line; empty when known

    // How many more such generations fit: free / generation bytes; unknown if either is, or
    // when a generation takes no room here.
    std::optional<qint64> roomForGenerations() const;
    bool operator==(const BootState &) const = default;
};

namespace BootReader {
// Where NixOS's boot loaders keep their entries, in the order they are looked for.
inline const QStringList Candidates{QStringLiteral("/boot"), QStringLiteral("/efi"), QStringLiteral("/boot/efi")};
// Bounds on what is read: NixOS writes a few hundred bytes per entry and a grub.cfg of a
// few kilobytes per generation.
inline constexpr qint64 MaxEntryFileBytes = 64 * 1024;
inline constexpr qint64 MaxGrubConfigBytes = 8 * 1024 * 1024;
inline constexpr qsizetype MaxEntries = 10'000;

// Reads the boot file system below layout's root; returns an error line when there is a
// boot directory but nothing at all can be said about it (not even statfs).
QString read(const SystemLayout &layout, const GenerationState &generations, BootState &state);
} // namespace BootReader
