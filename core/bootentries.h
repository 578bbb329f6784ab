// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// What NixOS's boot loader installers write, parsed without I/O. Paths are as the loader
// names them: relative to the root of the file system that holds the entries, "/" first.
namespace BootEntries {
// systemd-boot's type 1 entry (loader/entries/nixos-generation-42.conf, written by
// systemd-boot-builder.py): the files its linux, initrd and devicetree lines name.
QStringList loaderEntryFiles(const QByteArray &text);

struct GrubEntry
{
    QString title;      // "NixOS - Configuration 42 (2024-12-01 - 24.11.20241201.abcdef0)"
    QStringList files;  // linux and initrd, with the "($drive1)" device taken off
    bool operator==(const GrubEntry &) const = default;
};
// install-grub.pl's grub.cfg: the menu entries whose title starts with "NixOS", except
// "NixOS - Default", which repeats the newest configuration. Other entries (memtest,
// Windows, extraEntries) are not this system's.
QList<GrubEntry> grubEntries(const QByteArray &text);

// A section of a PE image (a unified kernel image): where its bytes are in the file.
struct PeSection
{
    QByteArray name;  // ".linux", ".initrd", ".cmdline", ...
    qint64 offset = 0;
    qint64 size = 0;
};
// The section table of a PE image, from its first bytes (at least up to the end of the
// table; HeadersBytes is enough for every UKI seen); nullopt when it is no PE image.
inline constexpr qint64 HeadersBytes = 4096;
std::optional<QList<PeSection>> peSections(const QByteArray &headers);

// The contents of a lanzaboote stub's .linux or .initrd section: the file on the ESP it
// names ("\EFI\nixos\<hash>-linux-6.6.63-bzImage.efi", UTF-8 or UTF-16), as "/EFI/nixos/...".
// Empty when the section is the kernel or initrd itself (a "fat" UKI, systemd-ukify's).
inline constexpr qint64 MaxPathSectionBytes = 1024;
QString uefiPath(const QByteArray &section);

// The name an installer gives its copy of a store file: /nix/store/<hash>-linux-6.6.63/bzImage
// becomes "<hash>-linux-6.6.63-bzImage" (GRUB's /boot/kernels) or that plus ".efi"
// (systemd-boot's and lanzaboote's EFI/nixos). Empty for a path outside the store.
QString copyName(const QString &storeFile);
} // namespace BootEntries
