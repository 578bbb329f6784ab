// SPDX-License-Identifier: MIT
#include "bootstate.h"

#include "bootentries.h"
#include "generationstate.h"
#include "systemlayout.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

std::optional<qint64> BootState::roomForGenerations() const
{
    if (!freeBytes || !generationBytes || *generationBytes <= 0)
        return std::nullopt;
    return *freeBytes / *generationBytes;
}

namespace BootReader {
namespace {

QString errnoText(int error) { return QString::fromLocal8Bit(std::strerror(error)); }

std::optional<QString> hostPathOf(const SystemLayout &layout, const QString &systemPath)
{
    const std::optional<QString> resolved = layout.resolve(systemPath);
    return resolved ? std::optional(layout.hostPath(*resolved)) : std::nullopt;
}

std::optional<qint64> fileSize(const SystemLayout &layout, const QString &systemPath)
{
    const std::optional<QString> host = hostPathOf(layout, systemPath);
    struct stat info;
    if (!host || ::stat(QFile::encodeName(*host).constData(), &info) != 0 || !S_ISREG(info.st_mode))
        return std::nullopt;
    return qint64(info.st_size);
}

// Names in dir that start with "nixos-" and end with suffix (FAT ignores case, so do we).
QStringList nixosFiles(const SystemLayout &layout, const QString &dir, const QString &suffix)
{
    QStringList names;
    for (const QString &name : layout.listDirectory(dir)) {
        if (name.startsWith(QLatin1String("nixos-"), Qt::CaseInsensitive) && name.endsWith(suffix, Qt::CaseInsensitive))
            names.append(name);
    }
    return names.mid(0, MaxEntries);
}

// The name of an installer's copy without the ".efi" systemd-boot and lanzaboote add.
QString copiedName(const QString &path)
{
    QString name = QFileInfo(path).fileName();
    if (name.endsWith(QLatin1String(".efi"), Qt::CaseInsensitive))
        name.chop(4);
    return name;
}

// NixOS's entries on one candidate directory, whatever loaders wrote them.
class EntryScan
{
public:
    EntryScan(const SystemLayout &layout, const QString &dir) : m_layout(layout), m_dir(dir) {}

    bool scan()
    {
        scanLoaderEntries();
        scanUnifiedImages();
        scanGrub();
        return m_found;
    }

    void fill(BootState &state, const GenerationState &generations) const
    {
        state.path = m_dir;
        state.loader = m_loader;
        state.entries = m_entries;
        qint64 bytes = 0;
        for (const qint64 size : m_files)
            bytes += size;
        state.entryBytes = bytes;
        if (!m_copiesKernels) {
            state.generationBytes = 0;
            return;
        }
        const std::optional<qint64> current = currentPairBytes(m_layout, generations);
        const bool currentHere = generations.currentSystem
                                 && m_copied.contains(BootEntries::copyName(generations.currentSystem->kernel))
                                 && m_copied.contains(BootEntries::copyName(generations.currentSystem->initrd));
        const std::optional<qint64> largest = m_pairs.isEmpty() ? std::nullopt
                                                                : std::optional(*std::max_element(m_pairs.begin(), m_pairs.end()));
        state.generationBytes = (currentHere || !current) ? largest : current;
    }

    static std::optional<qint64> currentPairBytes(const SystemLayout &layout, const GenerationState &generations)
    {
        if (!generations.currentSystem)
            return std::nullopt;
        const std::optional<qint64> kernel = fileSize(layout, generations.currentSystem->kernel);
        const std::optional<qint64> initrd = fileSize(layout, generations.currentSystem->initrd);
        return kernel && initrd ? std::optional(*kernel + *initrd) : std::nullopt;
    }

private:
    // A file's size, its directory resolved once per scan: the entries name a few
    // directories hundreds of times. A link is resolved in full (inside the root).
    std::optional<qint64> sizeOf(const QString &systemPath)
    {
        const QFileInfo info(systemPath);
        auto dir = m_hostDirs.find(info.path());
        if (dir == m_hostDirs.end())
            dir = m_hostDirs.insert(info.path(), hostPathOf(m_layout, info.path()));
        struct stat status;
        if (!*dir || ::lstat(QFile::encodeName(**dir + QLatin1Char('/') + info.fileName()).constData(), &status) != 0)
            return std::nullopt;
        if (S_ISLNK(status.st_mode))
            return fileSize(m_layout, systemPath);
        return S_ISREG(status.st_mode) ? std::optional(qint64(status.st_size)) : std::nullopt;
    }

    // Adds a file an entry takes; returns its size (0 when it is not there).
    qint64 take(const QString &systemPath)
    {
        const std::optional<qint64> size = sizeOf(systemPath);
        if (!size)
            return 0;
        m_files.insert(systemPath, *size);
        return *size;
    }

    qint64 takeCopy(const QString &systemPath)
    {
        const qint64 size = take(systemPath);
        if (size > 0)
            m_copied.insert(copiedName(systemPath));
        return size;
    }

    void addEntry(const QString &loader, qint64 pairBytes)
    {
        m_found = true;
        ++m_entries;
        m_pairs.append(pairBytes);
        if (m_loader.isEmpty())
            m_loader = loader;
    }

    // systemd-boot-builder.py: loader/entries/nixos-generation-N[-specialisation-S].conf
    // naming /EFI/nixos/<hash>-linux-V-bzImage.efi and <hash>-initrd-linux-V-initrd.efi.
    void scanLoaderEntries()
    {
        const QString entries = m_dir + QStringLiteral("/loader/entries/");
        for (const QString &name : nixosFiles(m_layout, entries, QStringLiteral(".conf"))) {
            qint64 pair = take(entries + name);
            if (const std::optional<QByteArray> text = m_layout.readFile(entries + name, MaxEntryFileBytes)) {
                for (const QString &file : BootEntries::loaderEntryFiles(*text))
                    pair += takeCopy(m_dir + file);
            }
            addEntry(QStringLiteral("systemd-boot"), pair);
        }
    }

    // lanzaboote (EFI/Linux/nixos-generation-N.efi, a stub whose .linux and .initrd sections
    // name the kernel and initrd in EFI/nixos) and other UKIs (the kernel and initrd inside).
    void scanUnifiedImages()
    {
        const QString linux = m_dir + QStringLiteral("/EFI/Linux/");
        for (const QString &name : nixosFiles(m_layout, linux, QStringLiteral(".efi"))) {
            qint64 pair = take(linux + name);
            for (const QString &file : stubFiles(linux + name))
                pair += takeCopy(m_dir + file);
            addEntry(QStringLiteral("uki"), pair);
        }
    }

    QStringList stubFiles(const QString &systemPath) const
    {
        const std::optional<QString> host = hostPathOf(m_layout, systemPath);
        QFile file(host.value_or(QString()));
        if (!host || !file.open(QIODevice::ReadOnly))
            return {};
        const std::optional<QList<BootEntries::PeSection>> sections = BootEntries::peSections(file.read(BootEntries::HeadersBytes));
        QStringList files;
        for (const BootEntries::PeSection &section : sections.value_or(QList<BootEntries::PeSection>())) {
            if ((section.name != ".linux" && section.name != ".initrd") || section.size > BootEntries::MaxPathSectionBytes
                || !file.seek(section.offset))
                continue;
            const QString path = BootEntries::uefiPath(file.read(section.size));
            if (!path.isEmpty())
                files.append(path);
        }
        return files;
    }

    // install-grub.pl: /boot/grub/grub.cfg; with copyKernels (a /boot of its own) the files
    // are copied to /boot/kernels/<hash>-linux-V-bzImage, else read from the store.
    void scanGrub()
    {
        if (m_dir != QLatin1String("/boot"))
            return;
        const QString config = m_dir + QStringLiteral("/grub/grub.cfg");
        const std::optional<QByteArray> text = m_layout.readFile(config, MaxGrubConfigBytes);
        if (!text)
            return;
        m_found = true;
        m_copiesKernels = false;
        take(config);
        for (const BootEntries::GrubEntry &entry : BootEntries::grubEntries(*text).mid(0, MaxEntries)) {
            qint64 pair = 0;
            for (const QString &file : entry.files) {
                if (QFileInfo(file).path().endsWith(QLatin1String("/kernels"))) {
                    m_copiesKernels = true;
                    pair += takeCopy(m_dir + QStringLiteral("/kernels/") + QFileInfo(file).fileName());
                }
            }
            addEntry(QStringLiteral("grub"), pair);
        }
        if (m_loader.isEmpty())
            m_loader = QStringLiteral("grub");
    }

    const SystemLayout &m_layout;
    const QString m_dir;
    bool m_found = false;
    bool m_copiesKernels = true;  // systemd-boot and lanzaboote always copy
    QString m_loader;
    qint64 m_entries = 0;
    QHash<QString, qint64> m_files;  // system path -> size: each file once
    QSet<QString> m_copied;          // names of the kernels and initrds the entries name
    QList<qint64> m_pairs;           // per entry: its own bytes and those of its files
    QHash<QString, std::optional<QString>> m_hostDirs;  // system directory -> host path
};

enum class Listable { Yes, Missing, Denied };

Listable listable(const SystemLayout &layout, const QString &systemPath, QString *error)
{
    const std::optional<QString> host = hostPathOf(layout, systemPath);
    if (!host)
        return Listable::Missing;
    DIR *dir = ::opendir(QFile::encodeName(*host).constData());
    if (dir) {
        ::closedir(dir);
        return Listable::Yes;
    }
    *error = QStringLiteral("%1: %2").arg(systemPath, errnoText(errno));
    return errno == EACCES || errno == EPERM ? Listable::Denied : Listable::Missing;
}

} // namespace

QString read(const SystemLayout &layout, const GenerationState &generations, BootState &state)
{
    state = BootState();
    QString denied;
    QString deniedPath;
    bool anyDirectory = false;
    for (const QString &candidate : Candidates) {
        QString error;
        const Listable result = listable(layout, candidate, &error);
        if (result == Listable::Denied && deniedPath.isEmpty()) {
            deniedPath = candidate;
            denied = error;
        }
        if (result != Listable::Yes)
            continue;
        anyDirectory = true;
        EntryScan scan(layout, candidate);
        if (scan.scan()) {
            scan.fill(state, generations);
            break;
        }
    }
    if (state.path.isEmpty()) {
        if (!deniedPath.isEmpty()) {
            state.path = deniedPath;
            state.entriesUnknown = QStringLiteral("%1 (NixOS mounts the ESP with dmask=0077; the exporter's "
                                                  "boot.readAccess option lets it read the entries)")
                                       .arg(denied);
        } else if (anyDirectory) {
            state.path = Candidates.first();
            state.entriesUnknown = QStringLiteral("no NixOS entries of systemd-boot, a unified kernel image or GRUB in %1")
                                       .arg(Candidates.join(QStringLiteral(", ")));
        } else {
            return {};  // no boot directory at all: a container
        }
        // Without the entries, a new generation is taken to be the size of the running one.
        state.generationBytes = EntryScan::currentPairBytes(layout, generations);
    }

    const std::optional<QString> host = hostPathOf(layout, state.path);
    struct statvfs space;
    if (!host || ::statvfs(QFile::encodeName(*host).constData(), &space) != 0) {
        const QString error = QStringLiteral("statfs %1: %2").arg(state.path, errnoText(errno));
        if (!state.entries)
            return error;
        return {};
    }
    state.sizeBytes = qint64(space.f_blocks) * qint64(space.f_frsize);
    state.freeBytes = qint64(space.f_bavail) * qint64(space.f_frsize);
    return {};
}

} // namespace BootReader
