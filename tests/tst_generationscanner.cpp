// SPDX-License-Identifier: MIT
#include "fixturetree.h"
#include "generationscanner.h"
#include "rebootcheck.h"
#include "systemlayout.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

namespace {
constexpr qint64 Day = 86400;
constexpr qint64 T0 = 1'700'000'000;

FixtureTree::SystemSpec spec(const QString &name, const QString &kernel, const QString &label)
{
    FixtureTree::SystemSpec s;
    s.name = name;
    s.kernelVersion = kernel;
    s.label = label;
    return s;
}
} // namespace

class TestGenerationScanner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void generationNumbers_data();
    void generationNumbers();
    void currentAndBootedWithDifferentKernels();
    void sameSystemMeansNoReboot();
    void onlyUserspaceChangedNeedsNoReboot();
    void rebootReasonsInPackageTerms_data();
    void rebootReasonsInPackageTerms();
    void missingBootedSystemIsUnknown();
    void garbageCollectedCurrentGeneration();
    void danglingGenerationLink();
    void danglingCurrentSystem();
    void unreadableVersionFile();
    void emptyRoot();
    void rescanReadsOnlyNewGenerations();
    void rescanMatchesFullReadAfterChanges_data();
    void rescanMatchesFullReadAfterChanges();
    void forgottenStorePathIsReadAgain();
};

void TestGenerationScanner::generationNumbers_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("number");  // 0: not a generation link
    QTest::newRow("plain") << "system-47-link" << 47;
    QTest::newRow("one") << "system-1-link" << 1;
    QTest::newRow("profile itself") << "system" << 0;
    QTest::newRow("zero") << "system-0-link" << 0;
    QTest::newRow("leading zero") << "system-047-link" << 0;
    QTest::newRow("other profile") << "default-3-link" << 0;
    QTest::newRow("huge") << "system-99999999999-link" << 0;
    QTest::newRow("suffix") << "system-3-link.tmp" << 0;
}

void TestGenerationScanner::generationNumbers()
{
    QFETCH(QString, name);
    QFETCH(int, number);
    QCOMPARE(GenerationScanner::generationNumber(name).value_or(0), number);
}

void TestGenerationScanner::currentAndBootedWithDifferentKernels()
{
    FixtureTree tree;
    const QString s45 = tree.addSystem(spec("host", "6.6.1", "24.11.20241101.1111111"));
    const QString s46 = tree.addSystem(spec("host", "6.6.1", "24.11.20241115.2222222"));
    const QString s47 = tree.addSystem(spec("host", "6.6.5", "24.11.20241201.3333333"));
    tree.addGeneration(47, s47, T0 + 2 * Day);
    tree.addGeneration(45, s45, T0);
    tree.addGeneration(46, s46, T0 + Day);
    tree.setDefaultGeneration(47);
    tree.setCurrentSystem(s47);
    tree.setBootedSystem(s46);

    const GenerationState state = GenerationScanner::scan(SystemLayout(tree.root()));
    QVERIFY2(state.problems.isEmpty(), qPrintable(state.problems.join('\n')));
    QVERIFY(state.generationsListed);
    QCOMPARE(state.generations.size(), 3);
    QCOMPARE(state.generations[0].number, 45);  // sorted whatever the directory order
    QCOMPARE(state.generations[2].number, 47);
    QCOMPARE(state.generations[1].created, T0 + Day);
    QCOMPARE(state.generations[2].system.storePath, s47);
    QCOMPARE(state.generations[2].system.version.nixpkgsRevision, QStringLiteral("3333333"));
    QCOMPARE(state.generations[2].system.kernelVersion, QStringLiteral("6.6.5"));
    QCOMPARE(state.currentGeneration, std::optional<int>(47));
    QCOMPARE(state.bootedGeneration, std::optional<int>(46));
    QCOMPARE(state.defaultGeneration, std::optional<int>(47));
    QVERIFY(state.generation(46));
    QVERIFY(!state.generation(44));

    const QList<RebootReason> reasons = RebootCheck::reasons(*state.bootedSystem, *state.currentSystem);
    QStringList parts;
    for (const RebootReason &reason : reasons)
        parts.append(RebootCheck::partName(reason.part));
    // Same systemd and init interface in the fixture; only the kernel side changed.
    QCOMPARE(parts, (QStringList{"kernel", "initrd", "kernel-modules"}));
    QCOMPARE(reasons.first().booted, QStringLiteral("6.6.1"));
    QCOMPARE(reasons.first().current, QStringLiteral("6.6.5"));
    // The raw paths stay in the reasons (for /status); people read package names.
    QVERIFY(reasons[1].booted.endsWith(QLatin1String("-initrd-linux-6.6.1/initrd")));
    QCOMPARE(RebootCheck::describe(reasons.first()), QStringLiteral("linux 6.6.1 → 6.6.5"));
    QCOMPARE(RebootCheck::describe(reasons[1]), QStringLiteral("initrd"));
    // The new kernel's modules go without saying.
    QCOMPARE(RebootCheck::describe(reasons), QStringLiteral("linux 6.6.1 → 6.6.5, initrd"));
}

void TestGenerationScanner::sameSystemMeansNoReboot()
{
    FixtureTree tree;
    const QString system = tree.addSystem(spec("host", "6.6.1", "24.11.20241101.1111111"));
    tree.addGeneration(1, system, T0);
    tree.setDefaultGeneration(1);
    tree.setCurrentSystem(system);
    tree.setBootedSystem(system);
    const GenerationState state = GenerationScanner::scan(SystemLayout(tree.root()));
    QCOMPARE(state.currentGeneration, std::optional<int>(1));
    QCOMPARE(state.bootedGeneration, std::optional<int>(1));
    QVERIFY(RebootCheck::reasons(*state.bootedSystem, *state.currentSystem).isEmpty());
}

void TestGenerationScanner::onlyUserspaceChangedNeedsNoReboot()
{
    // A switch that changes packages but not kernel, initrd, modules or systemd: the
    // systems differ (config mismatch) but no reboot is needed.
    FixtureTree tree;
    const QString booted = tree.addSystem(spec("host", "6.6.1", "24.11.20241101.1111111"));
    const QString current = tree.addSystem(spec("host", "6.6.1", "24.11.20241102.2222222"));
    tree.setCurrentSystem(current);
    tree.setBootedSystem(booted);
    const GenerationState state = GenerationScanner::scan(SystemLayout(tree.root()));
    QVERIFY(state.bootedSystem->storePath != state.currentSystem->storePath);
    QVERIFY(RebootCheck::reasons(*state.bootedSystem, *state.currentSystem).isEmpty());

    FixtureTree::SystemSpec newSystemd = spec("host", "6.6.1", "24.11.20241103.3333333");
    newSystemd.systemdVersion = QStringLiteral("257.1");
    tree.setCurrentSystem(tree.addSystem(newSystemd));
    const GenerationState after = GenerationScanner::scan(SystemLayout(tree.root()));
    const QList<RebootReason> reasons = RebootCheck::reasons(*after.bootedSystem, *after.currentSystem);
    QCOMPARE(reasons.size(), 1);
    QCOMPARE(reasons.first().part, RebootReason::Part::Systemd);
    QCOMPARE(RebootCheck::describe(reasons), QStringLiteral("systemd 256.8 → 257.1"));
}

void TestGenerationScanner::rebootReasonsInPackageTerms_data()
{
    QTest::addColumn<QList<RebootReason>>("reasons");
    QTest::addColumn<QString>("words");
    const auto path = [](const char *name) {
        return QStringLiteral("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-") + QLatin1String(name);
    };
    using Part = RebootReason::Part;
    QTest::newRow("kernel, systemd, initrd: versions first")
        << QList<RebootReason>{{Part::Kernel, "6.12.47", "6.12.52"},
                               {Part::Initrd, path("initrd-linux-6.12.47/initrd"), path("initrd-linux-6.12.52/initrd")},
                               {Part::KernelModules, path("linux-6.12.47-modules"), path("linux-6.12.52-modules")},
                               {Part::Systemd, path("systemd-257.8"), path("systemd-257.9")}}
        << "linux 6.12.47 → 6.12.52, systemd 257.8 → 257.9, initrd";
    QTest::newRow("kernel without a readable version")
        << QList<RebootReason>{{Part::Kernel, path("linux-6.12.47/bzImage"), path("linux-6.12.52/bzImage")}}
        << "linux 6.12.47 → 6.12.52";
    QTest::newRow("another kernel package")
        << QList<RebootReason>{{Part::Kernel, path("linux-6.12.47/bzImage"), path("linux-zen-6.12.47/bzImage")}}
        << "linux 6.12.47 → linux-zen 6.12.47";
    QTest::newRow("rebuilt systemd")
        << QList<RebootReason>{{Part::Systemd, path("systemd-257.8"), path("systemd-257.8")}}
        << "systemd 257.8 (rebuilt)";
    QTest::newRow("modules alone (an extra module package)")
        << QList<RebootReason>{{Part::KernelModules, path("kernel-modules"), path("kernel-modules")}}
        << "kernel modules";
    QTest::newRow("init interface")
        << QList<RebootReason>{{Part::InitInterfaceVersion, "systemd 1", "systemd 2"}}
        << "init interface systemd 1 → systemd 2";
}

void TestGenerationScanner::rebootReasonsInPackageTerms()
{
    QFETCH(QList<RebootReason>, reasons);
    QFETCH(QString, words);
    QCOMPARE(RebootCheck::describe(reasons), words);
}

void TestGenerationScanner::missingBootedSystemIsUnknown()
{
    // A container: no /run/booted-system.
    FixtureTree tree;
    const QString system = tree.addSystem(spec("ct", "6.6.1", "24.11.20241101.1111111"));
    tree.addGeneration(3, system, T0);
    tree.setDefaultGeneration(3);
    tree.setCurrentSystem(system);
    const GenerationState state = GenerationScanner::scan(SystemLayout(tree.root()));
    QCOMPARE(state.currentGeneration, std::optional<int>(3));
    QVERIFY(!state.bootedSystem);
    QVERIFY(!state.bootedGeneration);
    QCOMPARE(state.problems.size(), 1);
    QVERIFY2(state.problems.first().startsWith(QLatin1String("/run/booted-system:")), qPrintable(state.problems.first()));
}

void TestGenerationScanner::garbageCollectedCurrentGeneration()
{
    // `nixos-rebuild test`, or the running generation was deleted and collected: the running
    // system exists but is no generation. Current generation unknown, never guessed.
    FixtureTree tree;
    const QString old = tree.addSystem(spec("host", "6.6.1", "24.11.20241101.1111111"));
    const QString running = tree.addSystem(spec("host", "6.6.1", "24.11.20241201.2222222"));
    tree.addGeneration(10, old, T0);
    tree.setDefaultGeneration(10);
    tree.setCurrentSystem(running);
    tree.setBootedSystem(old);
    const GenerationState state = GenerationScanner::scan(SystemLayout(tree.root()));
    QVERIFY(state.currentSystem);
    QCOMPARE(state.currentSystem->version.nixpkgsRevision, QStringLiteral("2222222"));
    QVERIFY(!state.currentGeneration);
    QCOMPARE(state.bootedGeneration, std::optional<int>(10));
}

void TestGenerationScanner::danglingGenerationLink()
{
    FixtureTree tree;
    const QString system = tree.addSystem(spec("host", "6.6.1", "24.11.20241101.1111111"));
    tree.addGeneration(1, system, T0);
    tree.symlink(QStringLiteral("/nix/var/nix/profiles/system-2-link"), QStringLiteral("/nix/store/gone-system"));
    tree.setCurrentSystem(system);
    tree.setBootedSystem(system);
    tree.setDefaultGeneration(1);
    const GenerationState state = GenerationScanner::scan(SystemLayout(tree.root()));
    QCOMPARE(state.generations.size(), 2);
    QVERIFY(state.generations[1].system.storePath.isEmpty());
    QCOMPARE(state.currentGeneration, std::optional<int>(1));
    QCOMPARE(state.problems.size(), 1);
    QVERIFY2(state.problems.first().contains(QLatin1String("system-2-link")), qPrintable(state.problems.first()));
}

void TestGenerationScanner::danglingCurrentSystem()
{
    FixtureTree tree;
    tree.setCurrentSystem(QStringLiteral("/nix/store/gone-system"));
    const GenerationState state = GenerationScanner::scan(SystemLayout(tree.root()));
    QVERIFY(!state.currentSystem);
    QVERIFY(!state.currentGeneration);
    QVERIFY(state.problems.join('\n').contains(QLatin1String("/run/current-system: /nix/store/gone-system")));
}

void TestGenerationScanner::unreadableVersionFile()
{
    FixtureTree tree;
    const QString system = tree.addSystem(spec("host", "6.6.1", "24.11.20241101.1111111"));
    tree.addGeneration(1, system, T0);
    tree.setCurrentSystem(system);
    QVERIFY(::chmod(QFile::encodeName(tree.root()).constData(), 0755) == 0);
    QVERIFY(::chmod(QFile::encodeName(tree.hostPath(system + "/nixos-version")).constData(), 0) == 0);
    const bool wasRoot = ::geteuid() == 0;
    if (wasRoot)
        QVERIFY(::seteuid(65534) == 0);
    const GenerationState state = GenerationScanner::scan(SystemLayout(tree.root()));
    if (wasRoot)
        QVERIFY(::seteuid(0) == 0);
    QCOMPARE(state.currentGeneration, std::optional<int>(1));
    QVERIFY(state.currentSystem->version.label.isEmpty());
    QCOMPARE(state.currentSystem->kernelVersion, QStringLiteral("6.6.1"));
}

void TestGenerationScanner::emptyRoot()
{
    QTemporaryDir empty;
    const GenerationState state = GenerationScanner::scan(SystemLayout(empty.path()));
    QVERIFY(state.generations.isEmpty());
    QVERIFY(!state.generationsListed);  // unknown, not zero generations
    QVERIFY(!state.currentSystem);
    QVERIFY(!state.defaultGeneration);
    QCOMPARE(state.problems.size(), 4);  // profiles directory, current, booted, profile
}

void TestGenerationScanner::rescanReadsOnlyNewGenerations()
{
    FixtureTree tree;
    const QString s1 = tree.addSystem(spec("host", "6.6.1", "24.11.20241101.1111111"));
    const QString s2 = tree.addSystem(spec("host", "6.6.1", "24.11.20241115.2222222"));
    tree.addGeneration(1, s1, T0);
    tree.addGeneration(2, s2, T0 + Day);
    tree.setDefaultGeneration(2);
    tree.setCurrentSystem(s2);
    tree.setBootedSystem(s1);
    const SystemLayout layout(tree.root());
    GenerationScanner::Cache cache;
    const GenerationState first = GenerationScanner::scan(layout, cache);
    QCOMPARE(first, GenerationScanner::scan(layout));

    // Store paths never change, so what the first scan read from them is not read again:
    // with their files gone, the rescan still knows them, and reads the new generation.
    for (const QString &system : {s1, s2}) {
        for (const char *file : {"/nixos-version", "/init-interface-version", "/kernel-modules", "/kernel"})
            QVERIFY(QFile::remove(tree.hostPath(system + QLatin1String(file))));
    }
    const QString s3 = tree.addSystem(spec("host", "6.6.5", "24.11.20241201.3333333"));
    tree.addGeneration(3, s3, T0 + 2 * Day);
    tree.setDefaultGeneration(3);
    tree.setCurrentSystem(s3);
    const GenerationState rescan = GenerationScanner::scan(layout, cache);
    QVERIFY2(rescan.problems.isEmpty(), qPrintable(rescan.problems.join('\n')));
    QCOMPARE(rescan.generations.size(), 3);
    QCOMPARE(rescan.generations[0], first.generations[0]);
    QCOMPARE(rescan.generations[1], first.generations[1]);
    QCOMPARE(rescan.generations[2].system.version.nixpkgsRevision, QStringLiteral("3333333"));
    QCOMPARE(rescan.generations[2].system.kernelVersion, QStringLiteral("6.6.5"));
    QCOMPARE(rescan.currentGeneration, std::optional<int>(3));
    QCOMPARE(rescan.bootedGeneration, std::optional<int>(1));
    QCOMPARE(*rescan.bootedSystem, first.generations[0].system);

    // A full read sees the files gone: the rescan did not read them again.
    const GenerationState full = GenerationScanner::scan(layout);
    QVERIFY(full.generations[0].system.version.label.isEmpty());
    QVERIFY(full.generations[1].system.kernelVersion.isEmpty());
    QCOMPARE(full.generations[2], rescan.generations[2]);
}

// A rescan after each change sees what a full read sees: links replaced, removed or made
// dangling, store paths deleted or made again.
void TestGenerationScanner::rescanMatchesFullReadAfterChanges_data()
{
    QTest::addColumn<int>("change");
    QTest::newRow("nothing") << 0;
    QTest::newRow("generation removed") << 1;
    QTest::newRow("generation relinked to another system") << 2;
    QTest::newRow("store path deleted: dangling generation") << 3;
    QTest::newRow("store path deleted and made again") << 4;
    QTest::newRow("running system switched back") << 5;
    QTest::newRow("profiles directory gone") << 6;
}

void TestGenerationScanner::rescanMatchesFullReadAfterChanges()
{
    QFETCH(int, change);
    FixtureTree tree;
    const QString s1 = tree.addSystem(spec("host", "6.6.1", "24.11.20241101.1111111"));
    const QString s2 = tree.addSystem(spec("host", "6.6.5", "24.11.20241115.2222222"));
    tree.addGeneration(1, s1, T0);
    tree.addGeneration(2, s2, T0 + Day);
    tree.setDefaultGeneration(2);
    tree.setCurrentSystem(s2);
    tree.setBootedSystem(s2);
    const SystemLayout layout(tree.root());
    GenerationScanner::Cache cache;
    GenerationScanner::scan(layout, cache);

    const QString link1 = QStringLiteral("/nix/var/nix/profiles/system-1-link");
    switch (change) {
    case 1:
        QVERIFY(QFile::remove(tree.hostPath(link1)));
        break;
    case 2:
        tree.addGeneration(1, s2, T0);
        break;
    case 3:
        QVERIFY(QDir(tree.hostPath(s1)).removeRecursively());
        break;
    case 4: {
        // Another build of the same path, in a new directory (made while the old one still
        // exists, so that it cannot get the old one's inode).
        QVERIFY(QDir().rename(tree.hostPath(s1), tree.hostPath(s1 + QStringLiteral("-old"))));
        FixtureTree::SystemSpec rebuilt = spec("host", "6.6.1", "24.11.20241101.1111111");
        rebuilt.initInterfaceVersion = QStringLiteral("systemd 3");
        QCOMPARE(tree.addSystem(rebuilt), s1);
        QVERIFY(QDir(tree.hostPath(s1 + QStringLiteral("-old"))).removeRecursively());
        break;
    }
    case 5:
        tree.setCurrentSystem(s1);
        break;
    case 6:
        QVERIFY(QDir(tree.hostPath(SystemLayout::ProfilesDir)).removeRecursively());
        break;
    }
    const GenerationState rescan = GenerationScanner::scan(layout, cache);
    QCOMPARE(rescan, GenerationScanner::scan(layout));
    // Twice: what the first rescan kept is right too.
    QCOMPARE(GenerationScanner::scan(layout, cache), rescan);
}

void TestGenerationScanner::forgottenStorePathIsReadAgain()
{
    // What no generation, running or booted system points at any more is dropped at the next
    // scan: a path named again later is read again (here with contents a store path would
    // never change to, to see that it was).
    FixtureTree tree;
    const QString s1 = tree.addSystem(spec("host", "6.6.1", "24.11.20241101.1111111"));
    const QString s2 = tree.addSystem(spec("host", "6.6.1", "24.11.20241115.2222222"));
    tree.addGeneration(1, s1, T0);
    tree.setCurrentSystem(s1);
    const SystemLayout layout(tree.root());
    GenerationScanner::Cache cache;
    QCOMPARE(GenerationScanner::scan(layout, cache).generations[0].system.version.nixpkgsRevision, QStringLiteral("1111111"));

    tree.addGeneration(1, s2, T0);
    tree.setCurrentSystem(s2);
    QCOMPARE(GenerationScanner::scan(layout, cache).currentGeneration, std::optional<int>(1));
    tree.writeFile(s1 + QStringLiteral("/nixos-version"), "24.11.20241101.9999999");
    tree.addGeneration(1, s1, T0);
    tree.setCurrentSystem(s1);
    const GenerationState again = GenerationScanner::scan(layout, cache);
    QCOMPARE(again.generations[0].system.version.nixpkgsRevision, QStringLiteral("9999999"));
    QCOMPARE(again.currentSystem->version.nixpkgsRevision, QStringLiteral("9999999"));
}

QTEST_GUILESS_MAIN(TestGenerationScanner)
#include "tst_generationscanner.moc"
