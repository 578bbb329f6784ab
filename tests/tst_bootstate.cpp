// SPDX-License-Identifier: MIT
// The boot collector's reading: the parsers on what NixOS's installers write, and
// BootReader on /boot trees of systemd-boot, lanzaboote and GRUB (tests/bootfixture.h),
// one the reader may not list, none at all.
#include "bootentries.h"
#include "bootfixture.h"
#include "bootstate.h"
#include "generationscanner.h"
#include "systemlayout.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTest>

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace {
constexpr qint64 MiB = 1024 * 1024;

// Three generations on two kernels (1 and 2 share 6.6.1), the running system is 3.
struct Machine
{
    FixtureTree tree;
    QString old;
    QString current;
    Machine()
    {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        old = tree.addSystem({QStringLiteral("old"), QStringLiteral("24.11.20241201.abcdef0"), QStringLiteral("6.6.1")});
        current = tree.addSystem({QStringLiteral("new"), QStringLiteral("24.11.20241215.1234567"), QStringLiteral("6.6.9")});
        tree.addGeneration(1, old, now - 3600 * 3);
        tree.addGeneration(2, old, now - 3600 * 2);
        tree.addGeneration(3, current, now - 3600);
        tree.setDefaultGeneration(3);
        tree.setCurrentSystem(current);
    }
    BootState read(QString *error = nullptr)
    {
        const SystemLayout layout(tree.root());
        BootState state;
        const QString result = BootReader::read(layout, GenerationScanner::scan(layout), state);
        if (error)
            *error = result;
        else
            [&] { QVERIFY2(result.isEmpty(), qPrintable(result)); }();
        return state;
    }
    qint64 size(const QString &systemPath) const { return QFileInfo(tree.hostPath(systemPath)).size(); }
};

void compareSpace(const BootState &state, const QString &hostPath)
{
    struct statvfs space;
    QVERIFY(::statvfs(QFile::encodeName(hostPath).constData(), &space) == 0);
    QCOMPARE(state.sizeBytes, qint64(space.f_blocks) * qint64(space.f_frsize));
    QVERIFY(state.freeBytes.has_value());
    QVERIFY(*state.freeBytes > 0 && *state.freeBytes <= *state.sizeBytes);
}
} // namespace

class TestBootState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loaderEntryFiles();
    void grubEntries();
    void peSections();
    void uefiPath();
    void copyName();
    void systemdBoot();
    void currentPairNotOnBootYet();
    void espOnBootEfi();
    void lanzaboote();
    void grubCopyingKernels();
    void grubReadingTheStore();
    void unlistableEsp();
    void noBootDirectory();
    void roomForGenerations();
};

void TestBootState::loaderEntryFiles()
{
    // systemd-boot-builder.py's BOOT_ENTRY with machine-id and devicetree.
    const QByteArray entry = "title NixOS\n"
                             "sort-key nixos\n"
                             "version Generation 42 NixOS Vicuna 24.11.20241201.abcdef0 (Linux 6.6.63), built on 2024-12-01\n"
                             "linux /EFI/nixos/aaa-linux-6.6.63-bzImage.efi\n"
                             "initrd /EFI/nixos/bbb-initrd-linux-6.6.63-initrd.efi\n"
                             "options init=/nix/store/ccc-nixos-system-host/init loglevel=4\n"
                             "machine-id 0f1e2d3c4b5a69788796a5b4c3d2e1f0\n"
                             "devicetree /EFI/nixos/ddd-device-tree-overlays-rk3588.dtb.efi\n";
    QCOMPARE(BootEntries::loaderEntryFiles(entry),
             QStringList({"/EFI/nixos/aaa-linux-6.6.63-bzImage.efi", "/EFI/nixos/bbb-initrd-linux-6.6.63-initrd.efi",
                          "/EFI/nixos/ddd-device-tree-overlays-rk3588.dtb.efi"}));
    // Tabs, several initrds (microcode first), no trailing newline.
    QCOMPARE(BootEntries::loaderEntryFiles("linux\t/k.efi\ninitrd /ucode.img\ninitrd  /i.efi"),
             QStringList({"/k.efi", "/ucode.img", "/i.efi"}));
    QVERIFY(BootEntries::loaderEntryFiles("title only\n\nlinux\n").isEmpty());
}

void TestBootState::grubEntries()
{
    const QByteArray config = "menuentry \"NixOS - Default\" --class nixos --unrestricted {\n"
                              "search --set=drive1 --fs-uuid 5A1B-2C3D\n"
                              "  linux ($drive1)//kernels/aaa-linux-6.6.9-bzImage init=/nix/store/s/init\n"
                              "  initrd ($drive1)//kernels/bbb-initrd-linux-6.6.9-initrd\n"
                              "}\n"
                              "submenu \"NixOS - All configurations\" --class submenu {\n"
                              "menuentry \"NixOS - Configuration 3 (2024-12-15 - 24.11.20241215.1234567)\" --class nixos {\n"
                              "  linux ($drive1)//kernels/aaa-linux-6.6.9-bzImage init=/nix/store/s/init\n"
                              "  initrd ($drive1)//kernels/bbb-initrd-linux-6.6.9-initrd\n"
                              "}\n"
                              "menuentry 'NixOS - Configuration 2 (2024-12-01 - 24.11.20241201.abcdef0)' {\n"
                              "  linux ($drive2)/nix/store/ccc-linux-6.6.1/bzImage\n"
                              "  initrd ($drive2)/nix/store/ddd-initrd-linux-6.6.1/initrd\n"
                              "}\n"
                              "}\n"
                              "menuentry \"Memtest86+\" {\n  linux @bootRoot@/memtest.bin\n}\n";
    const QList<BootEntries::GrubEntry> entries = BootEntries::grubEntries(config);
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries[0].title, QStringLiteral("NixOS - Configuration 3 (2024-12-15 - 24.11.20241215.1234567)"));
    QCOMPARE(entries[0].files,
             QStringList({"/kernels/aaa-linux-6.6.9-bzImage", "/kernels/bbb-initrd-linux-6.6.9-initrd"}));
    QCOMPARE(entries[1].files,
             QStringList({"/nix/store/ccc-linux-6.6.1/bzImage", "/nix/store/ddd-initrd-linux-6.6.1/initrd"}));
    QVERIFY(BootEntries::grubEntries("menuentry \"NixOS - Configuration 1\" {\n  linux /k\n").isEmpty());  // never closed
}

void TestBootState::peSections()
{
    QVERIFY(!BootEntries::peSections("not a PE image"));
    QVERIFY(!BootEntries::peSections(QByteArray(4096, '\0')));
    // MZ pointing beyond the data, and a section table cut short: no crash, no sections.
    QByteArray cut(0x100, '\0');
    cut.replace(0, 2, "MZ");
    cut[0x3c] = char(0xf0);
    QVERIFY(!BootEntries::peSections(cut));
    cut[0x3c] = char(0x80);
    cut.replace(0x80, 4, QByteArray("PE\0\0", 4));
    cut[0x86] = char(200);  // 200 sections in 256 bytes
    QVERIFY(!BootEntries::peSections(cut));
}

void TestBootState::uefiPath()
{
    QCOMPARE(BootEntries::uefiPath("\\EFI\\nixos\\aaa-linux-6.6.9-bzImage.efi"),
             QStringLiteral("/EFI/nixos/aaa-linux-6.6.9-bzImage.efi"));
    const QString utf16 = QStringLiteral("\\EFI\\nixos\\i.efi");
    QCOMPARE(BootEntries::uefiPath(QByteArray(reinterpret_cast<const char *>(utf16.utf16()), utf16.size() * 2) + QByteArray(2, '\0')),
             QStringLiteral("/EFI/nixos/i.efi"));
    // A fat UKI's .linux is the kernel itself.
    QVERIFY(BootEntries::uefiPath("MZ\x90\0\x03\0\0\0").isEmpty());
    QVERIFY(BootEntries::uefiPath(QByteArray(4096, '\\')).isEmpty());
}

void TestBootState::copyName()
{
    QCOMPARE(BootEntries::copyName(QStringLiteral("/nix/store/xqplddjjjy1lhzyzbcv4dza11ccpcfds-initrd-linux-6.1.1/initrd")),
             QStringLiteral("xqplddjjjy1lhzyzbcv4dza11ccpcfds-initrd-linux-6.1.1-initrd"));
    QVERIFY(BootEntries::copyName(QStringLiteral("/boot/kernels/x")).isEmpty());
}

void TestBootState::systemdBoot()
{
    Machine machine;
    BootFixture boot(machine.tree);
    boot.setPairSize(machine.old, 12 * MiB, 30 * MiB);
    boot.setPairSize(machine.current, 14 * MiB, 40 * MiB);
    boot.addSystemdBootEntry(1, machine.old);
    boot.addSystemdBootEntry(2, machine.old);
    boot.addSystemdBootEntry(3, machine.current);
    boot.addSystemdBootEntry(3, machine.current, QStringLiteral("no-gui"));
    const BootState state = machine.read();
    QCOMPARE(state.path, QStringLiteral("/boot"));
    QCOMPARE(state.loader, QStringLiteral("systemd-boot"));
    QCOMPARE(state.entries, 4);
    // Every entry file, and each kernel and initrd once however many entries name it;
    // systemd-boot itself and loader.conf are not NixOS's entries.
    qint64 entryFiles = 0;
    for (const QString &name : QDir(machine.tree.hostPath(QStringLiteral("/boot/loader/entries"))).entryList(QDir::Files))
        entryFiles += machine.size(QStringLiteral("/boot/loader/entries/") + name);
    QCOMPARE(state.entryBytes, entryFiles + 96 * MiB);
    // The running system's pair is there: the largest pair with its entry.
    const qint64 largestEntry = machine.size(QStringLiteral("/boot/loader/entries/nixos-generation-3-specialisation-no-gui.conf"));
    QCOMPARE(state.generationBytes, 54 * MiB + largestEntry);
    QVERIFY(state.entriesUnknown.isEmpty());
    compareSpace(state, machine.tree.hostPath(QStringLiteral("/boot")));
}

void TestBootState::currentPairNotOnBootYet()
{
    // nixos-rebuild test with a new kernel: running, not installed on /boot.
    Machine machine;
    BootFixture boot(machine.tree);
    boot.setPairSize(machine.old, 12 * MiB, 30 * MiB);
    boot.setPairSize(machine.current, 14 * MiB, 150 * MiB);
    boot.addSystemdBootEntry(1, machine.old);
    const BootState state = machine.read();
    QCOMPARE(state.entries, 1);
    QCOMPARE(state.generationBytes, 164 * MiB);
}

void TestBootState::espOnBootEfi()
{
    // boot.loader.efi.efiSysMountPoint = "/boot/efi"; /boot is a directory of the root.
    Machine machine;
    BootFixture boot(machine.tree, QStringLiteral("/boot/efi"));
    boot.addSystemdBootEntry(3, machine.current);
    const BootState state = machine.read();
    QCOMPARE(state.path, QStringLiteral("/boot/efi"));
    QCOMPARE(state.entries, 1);
}

void TestBootState::lanzaboote()
{
    Machine machine;
    BootFixture boot(machine.tree);
    boot.setPairSize(machine.old, 12 * MiB, 30 * MiB);
    boot.setPairSize(machine.current, 14 * MiB, 155 * MiB);
    boot.addLanzabooteEntry(1, machine.old);
    boot.addLanzabooteEntry(2, machine.old);
    boot.addLanzabooteEntry(3, machine.current);
    const BootState state = machine.read();
    QCOMPARE(state.loader, QStringLiteral("uki"));
    QCOMPARE(state.entries, 3);
    const qint64 stub = machine.size(QStringLiteral("/boot/EFI/Linux/nixos-generation-3.efi"));
    QVERIFY(stub > 60 * 1024);
    // Three stubs, each kernel and initrd once (found through the stubs' .linux and .initrd).
    QCOMPARE(state.entryBytes, 3 * stub + 211 * MiB);
    QCOMPARE(state.generationBytes, stub + 169 * MiB);
}

void TestBootState::grubCopyingKernels()
{
    Machine machine;
    BootFixture boot(machine.tree);
    boot.setPairSize(machine.old, 12 * MiB, 30 * MiB);
    boot.setPairSize(machine.current, 14 * MiB, 40 * MiB);
    boot.writeGrubConfig({{3, machine.current}, {2, machine.old}, {1, machine.old}});
    const BootState state = machine.read();
    QCOMPARE(state.loader, QStringLiteral("grub"));
    QCOMPARE(state.entries, 3);  // not "NixOS - Default", not memtest
    QCOMPARE(state.entryBytes, machine.size(QStringLiteral("/boot/grub/grub.cfg")) + 96 * MiB);
    QCOMPARE(state.generationBytes, 54 * MiB);
}

void TestBootState::grubReadingTheStore()
{
    // /boot on the root file system: GRUB reads the kernels from the store, a new generation
    // takes nothing on /boot.
    Machine machine;
    BootFixture boot(machine.tree);
    boot.writeGrubConfig({{3, machine.current}, {2, machine.old}}, false);
    const BootState state = machine.read();
    QCOMPARE(state.entries, 2);
    QCOMPARE(state.entryBytes, machine.size(QStringLiteral("/boot/grub/grub.cfg")));
    QCOMPARE(state.generationBytes, 0);
    QCOMPARE(state.roomForGenerations(), std::nullopt);
}

void TestBootState::unlistableEsp()
{
    // NixOS mounts the ESP with fmask=0077,dmask=0077: its root directory is root's alone.
    // Root reads any mode, so the read runs as nobody (seteuid, as the exporter's own user
    // would); without root, mode 0 keeps even the owner out. The fixture's root must stay
    // searchable for that user, as / is.
    Machine machine;
    BootFixture boot(machine.tree);
    boot.setPairSize(machine.current, 14 * MiB, 40 * MiB);
    boot.addSystemdBootEntry(3, machine.current);
    QVERIFY(::chmod(QFile::encodeName(machine.tree.root()).constData(), 0755) == 0);
    const QByteArray esp = QFile::encodeName(machine.tree.hostPath(QStringLiteral("/boot")));
    QVERIFY(::chmod(esp.constData(), 0) == 0);
    const bool wasRoot = ::geteuid() == 0;
    if (wasRoot)
        QVERIFY(::seteuid(65534) == 0);
    const BootState state = machine.read();
    if (wasRoot)
        QVERIFY(::seteuid(0) == 0);
    QVERIFY(::chmod(esp.constData(), 0755) == 0);
    QCOMPARE(state.path, QStringLiteral("/boot"));
    QCOMPARE(state.entries, std::nullopt);
    QCOMPARE(state.entryBytes, std::nullopt);
    QCOMPARE(state.loader, QString());
    QVERIFY2(state.entriesUnknown.contains(QLatin1String("/boot: Permission denied")), qPrintable(state.entriesUnknown));
    QVERIFY2(state.entriesUnknown.contains(QLatin1String("boot.readAccess")), qPrintable(state.entriesUnknown));
    // statfs needs no permission on the directory: size and free are known, and a new
    // generation is taken to be the size of the running one.
    compareSpace(state, machine.tree.hostPath(QStringLiteral("/boot")));
    QCOMPARE(state.generationBytes, 54 * MiB);
}

void TestBootState::noBootDirectory()
{
    Machine machine;  // a container: no /boot, /efi or /boot/efi
    QString error;
    const BootState state = machine.read(&error);
    QVERIFY(error.isEmpty());
    QCOMPARE(state, BootState());
    // An empty /boot (a loader we do not know, extlinux): the space, entries unknown.
    QDir().mkpath(machine.tree.hostPath(QStringLiteral("/boot")));
    const BootState empty = machine.read();
    QCOMPARE(empty.path, QStringLiteral("/boot"));
    QCOMPARE(empty.entries, std::nullopt);
    QVERIFY(empty.entriesUnknown.contains(QLatin1String("no NixOS entries")));
    QVERIFY(empty.sizeBytes.has_value());
}

void TestBootState::roomForGenerations()
{
    BootState state;
    QCOMPARE(state.roomForGenerations(), std::nullopt);
    state.freeBytes = 86 * MiB;
    QCOMPARE(state.roomForGenerations(), std::nullopt);
    state.generationBytes = 0;
    QCOMPARE(state.roomForGenerations(), std::nullopt);
    state.generationBytes = 43 * MiB;
    QCOMPARE(state.roomForGenerations(), 2);
    state.generationBytes = 43 * MiB + 1;
    QCOMPARE(state.roomForGenerations(), 1);
}

QTEST_GUILESS_MAIN(TestBootState)
#include "tst_bootstate.moc"
