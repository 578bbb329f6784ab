// SPDX-License-Identifier: MIT
#include "bootfixture.h"

#include "systemlayout.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>
#include <QtEndian>

#include <unistd.h>

namespace {
const QByteArray MachineId = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

// A PE32+ image as objcopy leaves lanzaboote's stub: DOS header, "PE\0\0", the COFF header,
// an optional header of 240 bytes, the section table, then the sections' bytes.
QByteArray peImage(const QList<QPair<QByteArray, QByteArray>> &sections)
{
    constexpr int PeOffset = 0x80;
    constexpr int OptionalHeaderBytes = 240;
    const int table = PeOffset + 24 + OptionalHeaderBytes;
    QByteArray image(table + 40 * sections.size(), '\0');
    image.replace(0, 2, "MZ");
    qToLittleEndian<quint32>(PeOffset, image.data() + 0x3c);
    image.replace(PeOffset, 4, QByteArray("PE\0\0", 4));
    qToLittleEndian<quint16>(0x8664, image.data() + PeOffset + 4);  // x86-64
    qToLittleEndian<quint16>(quint16(sections.size()), image.data() + PeOffset + 6);
    qToLittleEndian<quint16>(OptionalHeaderBytes, image.data() + PeOffset + 20);
    qToLittleEndian<quint16>(0x20b, image.data() + PeOffset + 24);  // PE32+
    image.resize(0x1000, '\0');
    image += QByteArray(60 * 1024, '\x90');  // the stub's own code
    for (qsizetype i = 0; i < sections.size(); ++i) {
        char *header = image.data() + table + 40 * i;
        memcpy(header, sections[i].first.constData(), std::min<qsizetype>(8, sections[i].first.size()));
        qToLittleEndian<quint32>(quint32(sections[i].second.size()), header + 8);
        qToLittleEndian<quint32>(quint32(0x20000 + 0x1000 * i), header + 12);
        qToLittleEndian<quint32>(quint32(sections[i].second.size()), header + 16);
        qToLittleEndian<quint32>(quint32(image.size()), header + 20);
        image += sections[i].second;
    }
    return image;
}
} // namespace

BootFixture::BootFixture(FixtureTree &tree, const QString &dir) : m_tree(tree), m_dir(dir)
{
    QDir().mkpath(m_tree.hostPath(m_dir));
}

QString BootFixture::kernel(const QString &system) const
{
    return SystemLayout(m_tree.root()).resolve(system + QStringLiteral("/kernel")).value_or(QString());
}

QString BootFixture::initrd(const QString &system) const
{
    return SystemLayout(m_tree.root()).resolve(system + QStringLiteral("/initrd")).value_or(QString());
}

void BootFixture::sparse(const QString &systemPath, qint64 bytes)
{
    QVERIFY2(::truncate(QFile::encodeName(m_tree.hostPath(systemPath)).constData(), off_t(bytes)) == 0,
             qPrintable(systemPath));
}

void BootFixture::setPairSize(const QString &system, qint64 kernelBytes, qint64 initrdBytes)
{
    sparse(kernel(system), kernelBytes);
    sparse(initrd(system), initrdBytes);
}

qint64 BootFixture::pairBytes(const QString &system) const
{
    return QFileInfo(m_tree.hostPath(kernel(system))).size() + QFileInfo(m_tree.hostPath(initrd(system))).size();
}

QString BootFixture::copy(const QString &storeFile, const QString &subdir, const QString &suffix)
{
    // /nix/store/<hash>-linux-6.6.1/bzImage -> <hash>-linux-6.6.1-bzImage
    const QString name = storeFile.mid(QStringLiteral("/nix/store/").size()).replace(QLatin1Char('/'), QLatin1Char('-'));
    const QString target = subdir + QLatin1Char('/') + name + suffix;
    if (!QFileInfo::exists(m_tree.hostPath(m_dir + target))) {
        m_tree.writeFile(m_dir + target, {});
        sparse(m_dir + target, QFileInfo(m_tree.hostPath(storeFile)).size());
    }
    return target;
}

void BootFixture::addSystemdBootEntry(int generation, const QString &system, const QString &specialisation)
{
    const QString linux = copy(kernel(system), QStringLiteral("/EFI/nixos"), QStringLiteral(".efi"));
    const QString initrdCopy = copy(initrd(system), QStringLiteral("/EFI/nixos"), QStringLiteral(".efi"));
    const QString title = specialisation.isEmpty() ? QStringLiteral("NixOS") : QStringLiteral("NixOS (%1)").arg(specialisation);
    const QString name = specialisation.isEmpty()
                             ? QStringLiteral("nixos-generation-%1.conf").arg(generation)
                             : QStringLiteral("nixos-generation-%1-specialisation-%2.conf").arg(generation).arg(specialisation);
    const QString entry = QStringLiteral("title %1\n"
                                         "sort-key nixos\n"
                                         "version Generation %2 NixOS Vicuna 24.11.20241201.abcdef0 (Linux 6.6.1), built on 2024-12-01\n"
                                         "linux %3\n"
                                         "initrd %4\n"
                                         "options init=%5/init loglevel=4 lsm=landlock,yama,bpf\n"
                                         "machine-id %6\n")
                              .arg(title)
                              .arg(generation)
                              .arg(linux, initrdCopy, system, QString::fromLatin1(MachineId));
    m_tree.writeFile(m_dir + QStringLiteral("/loader/entries/") + name, entry.toUtf8());
    m_tree.writeFile(m_dir + QStringLiteral("/loader/loader.conf"),
                     QStringLiteral("timeout 5\ndefault %1\nconsole-mode keep\n").arg(name).toUtf8());
    m_tree.writeFile(m_dir + QStringLiteral("/EFI/systemd/systemd-bootx64.efi"), QByteArray(100 * 1024, 'b'));
}

void BootFixture::addLanzabooteEntry(int generation, const QString &system)
{
    const QString linux = copy(kernel(system), QStringLiteral("/EFI/nixos"), QStringLiteral(".efi"));
    const QString initrdCopy = copy(initrd(system), QStringLiteral("/EFI/nixos"), QStringLiteral(".efi"));
    const auto uefi = [](QString path) { return path.replace(QLatin1Char('/'), QLatin1Char('\\')).toUtf8(); };
    const QByteArray osRelease = "NAME=NixOS\nID=nixos\nVERSION_ID=\"24.11\"\nPRETTY_NAME=\"NixOS 24.11 (Vicuna)\"\n";
    const QByteArray stub = peImage({{".osrel", osRelease},
                                     {".cmdline", QStringLiteral("init=%1/init loglevel=4").arg(system).toUtf8()},
                                     {".initrd", uefi(initrdCopy)},
                                     {".linux", uefi(linux)},
                                     {".initrdh", QByteArray(32, '\x11')},
                                     {".linuxh", QByteArray(32, '\x22')}});
    m_tree.writeFile(m_dir + QStringLiteral("/EFI/Linux/nixos-generation-%1.efi").arg(generation), stub);
    m_tree.writeFile(m_dir + QStringLiteral("/loader/loader.conf"), "timeout 5\nconsole-mode keep\n");
    m_tree.writeFile(m_dir + QStringLiteral("/EFI/systemd/systemd-bootx64.efi"), QByteArray(100 * 1024, 'b'));
}

void BootFixture::writeGrubConfig(const QList<GrubGeneration> &generations, bool copyKernels)
{
    // With copyKernels /boot is a file system of its own and GRUB's paths are relative to it
    // ("($drive1)//kernels/..."); otherwise the store is searched for and named in full.
    const QString search = copyKernels ? QStringLiteral("search --set=drive1 --fs-uuid 5A1B-2C3D")
                                       : QStringLiteral("search --set=drive2 --fs-uuid 0b3c1f5e-8a4d-4f61-9a2e-6c7d8e9f0a1b");
    const auto file = [&](const QString &storeFile) {
        return copyKernels ? QStringLiteral("($drive1)/") + copy(storeFile, QStringLiteral("/kernels"), {})
                           : QStringLiteral("($drive2)") + storeFile;
    };
    const auto entry = [&](const QString &title, const QString &system) {
        return QStringLiteral("menuentry \"%1\" --class nixos {\n%2\n  linux %3 init=%4/init loglevel=4\n  initrd %5\n}\n\n")
            .arg(title, search, file(kernel(system)), system, file(initrd(system)));
    };
    QString config = QStringLiteral("# Automatically generated.  DO NOT EDIT THIS FILE!\n"
                                    "set timeout=5\n"
                                    "if [ -s $prefix/grubenv ]; then\n  load_env\nfi\n\n");
    if (!generations.isEmpty())
        config += entry(QStringLiteral("NixOS - Default"), generations.first().system).replace(
            QStringLiteral("--class nixos {"), QStringLiteral("--class nixos --unrestricted {"));
    config += QStringLiteral("submenu \"NixOS - All configurations\" --class submenu {\n");
    for (const GrubGeneration &generation : generations)
        config += entry(QStringLiteral("NixOS - Configuration %1 (2024-12-01 - 24.11.20241201.abcdef0)").arg(generation.number),
                        generation.system);
    config += QStringLiteral("}\n\nmenuentry \"Memtest86+\" --class memtest {\n  linux @bootRoot@/memtest.bin\n}\n");
    m_tree.writeFile(m_dir + QStringLiteral("/grub/grub.cfg"), config.toUtf8());
}
