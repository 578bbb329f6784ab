// SPDX-License-Identifier: MIT
#pragma once

#include "fixturetree.h"

#include <QList>
#include <QString>

// /boot trees in a FixtureTree as NixOS's boot loader installers write them: file names,
// entry contents and the copies of the kernels and initrds, taken from nixpkgs'
// systemd-boot-builder.py and install-grub.pl and from lanzaboote's installer. Kernels and
// initrds are sparse files of a chosen size, so a test can have gigabytes on /boot for free.
class BootFixture
{
public:
    explicit BootFixture(FixtureTree &tree, const QString &dir = QStringLiteral("/boot"));

    // The store's kernel and initrd of system (a store path from FixtureTree::addSystem) get
    // these sizes; copies made later have them too.
    void setPairSize(const QString &system, qint64 kernelBytes, qint64 initrdBytes);

    // systemd-boot: loader/entries/nixos-generation-N[-specialisation-S].conf and the
    // kernel and initrd in EFI/nixos/<hash>-linux-V-bzImage.efi, ...-initrd.efi.
    void addSystemdBootEntry(int generation, const QString &system, const QString &specialisation = {});
    // lanzaboote: EFI/Linux/nixos-generation-N.efi, a PE stub whose .linux and .initrd
    // sections name the kernel and initrd it copies to EFI/nixos.
    void addLanzabooteEntry(int generation, const QString &system);
    // GRUB: grub/grub.cfg with "NixOS - Default" and one entry per generation (newest first)
    // and, with copyKernels (a /boot of its own), the files in kernels/; else the entries
    // read them from the store.
    struct GrubGeneration
    {
        int number;
        QString system;
    };
    void writeGrubConfig(const QList<GrubGeneration> &generations, bool copyKernels = true);

    // The bytes an entry's copies take (kernel and initrd), as the installer copied them.
    qint64 pairBytes(const QString &system) const;

private:
    QString kernel(const QString &system) const;  // resolved store file
    QString initrd(const QString &system) const;
    // The installer's copy of a store file: <dir><subdir>/<hash>-<name>-<file><suffix>.
    QString copy(const QString &storeFile, const QString &subdir, const QString &suffix);
    void sparse(const QString &systemPath, qint64 bytes);

    FixtureTree &m_tree;
    const QString m_dir;
};
