// SPDX-License-Identifier: MIT
// Times one read of the boot collector (BootReader::read) on a /boot with N systemd-boot
// entries as NixOS writes them, each with its own kernel and initrd (sparse, 12 and 30 MiB),
// against a reference measured in the same run: the generation scan of N generations.
//
//   boot_read [--entries N] [--runs N]
//
// Defaults: 100 entries, 101 runs. Prints min/median/max in milliseconds and the ratio of the
// medians.
#include "bootstate.h"
#include "generationscanner.h"
#include "samples.h"
#include "systemlayout.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTextStream>

#include <vector>

#include <unistd.h>

namespace {

void write(const QString &host, const QByteArray &contents, qint64 size = -1)
{
    QDir().mkpath(QFileInfo(host).path());
    QFile file(host);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(contents);
    file.close();
    if (size >= 0 && ::truncate(QFile::encodeName(host).constData(), off_t(size)) != 0)
        qFatal("cannot size %s", qPrintable(host));
}

void link(const QString &host, const QString &target)
{
    QDir().mkpath(QFileInfo(host).path());
    ::symlink(QFile::encodeName(target).constData(), QFile::encodeName(host).constData());
}

// N generations of N systems, each with its kernel and initrd, and their systemd-boot entries.
void buildRoot(const QString &root, int entries)
{
    constexpr qint64 MiB = 1024 * 1024;
    for (int n = 1; n <= entries; ++n) {
        const QString hash = QStringLiteral("%1").arg(n, 32, 10, QLatin1Char('a'));
        const QString kernel = QStringLiteral("%1-linux-6.6.%2").arg(hash).arg(n);
        const QString initrd = QStringLiteral("%1-initrd-linux-6.6.%2").arg(hash).arg(n);
        const QString system = QStringLiteral("/nix/store/%1-nixos-system-host-%2").arg(hash).arg(n);
        write(root + QStringLiteral("/nix/store/") + kernel + QStringLiteral("/bzImage"), {}, 12 * MiB);
        write(root + QStringLiteral("/nix/store/") + initrd + QStringLiteral("/initrd"), {}, 30 * MiB);
        write(root + system + QStringLiteral("/nixos-version"), "24.11.20241201.abcdef0");
        link(root + system + QStringLiteral("/kernel"), QStringLiteral("/nix/store/") + kernel + QStringLiteral("/bzImage"));
        link(root + system + QStringLiteral("/initrd"), QStringLiteral("/nix/store/") + initrd + QStringLiteral("/initrd"));
        link(root + QStringLiteral("/nix/var/nix/profiles/system-%1-link").arg(n), system);
        write(root + QStringLiteral("/boot/EFI/nixos/") + kernel + QStringLiteral("-bzImage.efi"), {}, 12 * MiB);
        write(root + QStringLiteral("/boot/EFI/nixos/") + initrd + QStringLiteral("-initrd.efi"), {}, 30 * MiB);
        write(root + QStringLiteral("/boot/loader/entries/nixos-generation-%1.conf").arg(n),
              QStringLiteral("title NixOS\nsort-key nixos\n"
                             "version Generation %1 NixOS Vicuna 24.11.20241201.abcdef0 (Linux 6.6.%1), built on 2024-12-01\n"
                             "linux /EFI/nixos/%2-bzImage.efi\ninitrd /EFI/nixos/%3-initrd.efi\n"
                             "options init=%4/init loglevel=4\nmachine-id 0f1e2d3c4b5a69788796a5b4c3d2e1f0\n")
                  .arg(n)
                  .arg(kernel, initrd, system)
                  .toUtf8());
        if (n == entries) {
            link(root + QStringLiteral("/nix/var/nix/profiles/system"), QStringLiteral("system-%1-link").arg(n));
            link(root + QStringLiteral("/run/current-system"), system);
        }
    }
}


} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    int entries = 100, runs = 101;
    while (!args.isEmpty()) {
        const QString arg = args.takeFirst();
        if (arg == QLatin1String("--entries") && !args.isEmpty())
            entries = args.takeFirst().toInt();
        else if (arg == QLatin1String("--runs") && !args.isEmpty())
            runs = args.takeFirst().toInt();
        else
            qFatal("usage: boot_read [--entries N] [--runs N]");
    }
    QTemporaryDir dir;
    buildRoot(dir.path(), entries);
    const SystemLayout layout(dir.path());
    const GenerationState generations = GenerationScanner::scan(layout);

    QTextStream out(stdout);
    std::vector<double> boot, scan;
    BootState state;
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer timer;
        timer.start();
        const QString error = BootReader::read(layout, generations, state);
        boot.push_back(timer.nsecsElapsed() / 1e6);
        if (!error.isEmpty() || state.entries != entries)
            qFatal("boot read failed: %s", qPrintable(error));
        timer.start();
        const GenerationState scanned = GenerationScanner::scan(layout);
        scan.push_back(timer.nsecsElapsed() / 1e6);
        if (scanned.generations.size() != entries)
            qFatal("generation scan found %lld", qlonglong(scanned.generations.size()));
    }
    const Samples bootSamples = Samples::of(boot), scanSamples = Samples::of(scan);
    bootSamples.print(out, "boot_read", "ms", 3);
    scanSamples.print(out, "generation_scan", "ms", 3);
    out << "ratio boot_read/generation_scan=" << QString::number(bootSamples.median / scanSamples.median, 'f', 2) << Qt::endl;
    return 0;
}
