// SPDX-License-Identifier: MIT
#include "assessment.h"
#include "snapshot.h"

#include <QTest>

namespace {
constexpr qint64 Day = Thresholds::Day;
constexpr qint64 Now = 1'800'000'000;

SystemClosure closure(const QString &storePath, const QString &kernel)
{
    SystemClosure c;
    c.storePath = storePath;
    c.kernel = QStringLiteral("/nix/store/k-linux-%1/bzImage").arg(kernel);
    c.kernelVersion = kernel;
    c.version = NixosVersion::parse(QStringLiteral("24.11.20241201.abcdef0"));
    return c;
}

// A healthy machine: generation 5 of yesterday, booted and running, nixpkgs of last week.
Snapshot healthy()
{
    Snapshot s;
    s.collectedAt = Now * 1000;
    s.generationStatus = {true, true, {}, 0.001};
    Generation g;
    g.number = 5;
    g.created = Now - Day;
    g.system = closure(QStringLiteral("/nix/store/a-system"), QStringLiteral("6.6.1"));
    s.generations.generations = {g};
    s.generations.currentSystem = g.system;
    s.generations.bootedSystem = g.system;
    s.generations.currentGeneration = 5;
    s.generations.bootedGeneration = 5;
    s.flakeStatus = {true, true, {}, 0.001};
    FlakeInput nixpkgs;
    nixpkgs.name = QStringLiteral("nixpkgs");
    nixpkgs.lastModified = Now - 7 * Day;
    s.flake.lock.inputs = {nixpkgs};
    return s;
}

MaintenanceUnit unit(const char *name, const char *activeState, std::optional<qint64> lastRunAt)
{
    MaintenanceUnit u;
    u.name = QLatin1String(name);
    u.activeState = QLatin1String(activeState);
    u.lastRunAt = lastRunAt;
    return u;
}

// healthy() with the maintenance collector: an upgrade that ran an hour ago with `result`, a
// scheduled upgrade timer, and garbage collection whose timer last fired `gcAgo` ago.
Snapshot maintained(const char *result, qint64 gcAgo)
{
    Snapshot s = healthy();
    s.maintenanceStatus = {true, true, {}, 0.001};
    MaintenanceUnit upgrade = unit("nixos-upgrade.service", "inactive", Now - 3600);
    upgrade.result = QLatin1String(result);
    upgrade.lastRunSucceeded = upgrade.result == QLatin1String("success");
    MaintenanceUnit upgradeTimer = unit("nixos-upgrade.timer", "active", Now - 3600 - 60);
    upgradeTimer.nextRunAt = Now + Day - 3600;
    s.maintenance.units = {upgrade, upgradeTimer, unit("nix-gc.service", "inactive", std::nullopt),
                           unit("nix-gc.timer", "active", Now - gcAgo)};
    return s;
}

QStringList codes(const Assessment &a)
{
    QStringList result;
    for (const Assessment::Finding &f : a.findings)
        result.append(f.code);
    return result;
}
} // namespace

class TestAssessment : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void healthyIsOk();
    void rebootRequiredNamesTheKernels();
    void staleGenerationAtTheThreshold();
    void staleNixpkgsFromLockOrLabel();
    void failedSourceIsAnError();
    void keysIdentifyConditions();
    void nextChangeIsTheNextThreshold();
    void unmaintainedNixpkgsBranch();
    void defaultsMatchThePlan();
    void bootFullBelowTwoGenerations();
    void maintenanceFindings();
    void maintenanceOverdueOnlyWhileScheduled();
};

void TestAssessment::healthyIsOk()
{
    const Assessment a = Assessment::of(healthy(), Thresholds(), Now);
    QCOMPARE(a.level, Assessment::Level::Ok);
    QVERIFY(a.findings.isEmpty());
    QCOMPARE(Assessment::levelName(a.level), QStringLiteral("ok"));
}

void TestAssessment::rebootRequiredNamesTheKernels()
{
    Snapshot s = healthy();
    s.generations.currentSystem = closure(QStringLiteral("/nix/store/b-system"), QStringLiteral("6.6.5"));
    const Assessment a = Assessment::of(s, Thresholds(), Now);
    QCOMPARE(a.level, Assessment::Level::Attention);
    QCOMPARE(codes(a), QStringList{"reboot-required"});
    QCOMPARE(a.findings.first().message, QStringLiteral("reboot required: linux 6.6.1 → 6.6.5"));

    // Unknown booted system (container): no verdict on reboots either way.
    s.generations.bootedSystem.reset();
    QVERIFY(Assessment::of(s, Thresholds(), Now).findings.isEmpty());
}

void TestAssessment::staleGenerationAtTheThreshold()
{
    Snapshot s = healthy();
    s.generations.generations.first().created = Now - 7 * Day;
    QVERIFY(Assessment::of(s, Thresholds(), Now).findings.isEmpty());  // exactly 7 days: not yet
    s.generations.generations.first().created = Now - 7 * Day - 1;
    const Assessment a = Assessment::of(s, Thresholds(), Now);
    QCOMPARE(codes(a), QStringList{"generation-stale"});
    QCOMPARE(a.findings.first().message, QStringLiteral("generation 5 is 7 days old"));

    Thresholds lenient;
    lenient.generationStaleSeconds = 30 * Day;
    QVERIFY(Assessment::of(s, lenient, Now).findings.isEmpty());
}

void TestAssessment::staleNixpkgsFromLockOrLabel()
{
    Snapshot s = healthy();
    s.flake.lock.inputs.first().lastModified = Now - 41 * Day;
    Assessment a = Assessment::of(s, Thresholds(), Now);
    QCOMPARE(codes(a), QStringList{"nixpkgs-stale"});
    QCOMPARE(a.findings.first().message, QStringLiteral("nixpkgs is 41 days old"));

    // No lock: the running system's label (2024-12-01) decides.
    s.flake = FlakeState();
    a = Assessment::of(s, Thresholds(), Now);
    QCOMPARE(codes(a), QStringList{"nixpkgs-stale"});
    QCOMPARE(Assessment::of(s, Thresholds(), *s.generations.currentSystem->version.nixpkgsDate + Day).level,
             Assessment::Level::Ok);
}

void TestAssessment::failedSourceIsAnError()
{
    Snapshot s = healthy();
    s.flakeStatus = {true, false, QStringLiteral("/etc/nixos/flake.lock: not valid JSON"), 0};
    const Assessment a = Assessment::of(s, Thresholds(), Now);
    QCOMPARE(a.level, Assessment::Level::Error);
    QCOMPARE(codes(a), QStringList{"source-failed"});
    QVERIFY(a.findings.first().message.contains(QLatin1String("not valid JSON")));
    // A disabled source is no failure.
    s.flakeStatus = SourceStatus();
    QCOMPARE(Assessment::of(s, Thresholds(), Now).level, Assessment::Level::Ok);
}

void TestAssessment::keysIdentifyConditions()
{
    Snapshot s = healthy();
    s.generations.currentSystem = closure(QStringLiteral("/nix/store/b-system"), QStringLiteral("6.6.5"));
    const QString key = Assessment::of(s, Thresholds(), Now).findings.first().key;
    // A later rescan, a day later, is the same condition.
    QCOMPARE(Assessment::of(s, Thresholds(), Now + Thresholds::Day - 1).findings.first().key, key);
    // Another switch while the reboot is still pending is a new one.
    s.generations.currentSystem = closure(QStringLiteral("/nix/store/c-system"), QStringLiteral("6.6.6"));
    const QString next = Assessment::of(s, Thresholds(), Now).findings.first().key;
    QVERIFY(next != key);
    QVERIFY(next.startsWith(QLatin1String("reboot-required:")));
}

void TestAssessment::nextChangeIsTheNextThreshold()
{
    const Snapshot s = healthy();  // generation 1 day old, nixpkgs 7 days old
    const std::optional<qint64> next = Assessment::nextChange(s, Thresholds(), Now);
    QCOMPARE(next, std::optional<qint64>(Now - Thresholds::Day + 7 * Thresholds::Day + 1));
    QVERIFY(Assessment::of(s, Thresholds(), *next - 1).findings.isEmpty());
    QCOMPARE(codes(Assessment::of(s, Thresholds(), *next)), QStringList{"generation-stale"});
    // After both thresholds nothing more changes by waiting.
    QVERIFY(!Assessment::nextChange(s, Thresholds(), Now + 60 * Thresholds::Day));
}

void TestAssessment::unmaintainedNixpkgsBranch()
{
    Snapshot s = healthy();
    s.flake.nixpkgs = {{QStringLiteral("nixpkgs"), QStringLiteral("nixos-24.05"), QStringLiteral("24.05"), true, false},
                       {QStringLiteral("pinned"), QString(), QString(), true, false},
                       {QStringLiteral("nixpkgs-unstable"), QStringLiteral("nixos-unstable"), QString(), true, true}};
    const Assessment a = Assessment::of(s, Thresholds(), Now);
    // Only the branch that stopped: a pinned revision is a choice.
    QCOMPARE(codes(a), QStringList{"nixpkgs-unmaintained"});
    QCOMPARE(a.findings.first().message, QStringLiteral("flake input nixpkgs follows nixos-24.05, which gets no more updates"));
    QCOMPARE(a.level, Assessment::Level::Attention);
}

void TestAssessment::defaultsMatchThePlan()
{
    // The plan's alert rules: generation older than 7 days, nixpkgs older than 30 days.
    QCOMPARE(Thresholds().generationStaleSeconds, 7 * 24 * 3600);
    QCOMPARE(Thresholds().nixpkgsStaleSeconds, 30 * 24 * 3600);
}

void TestAssessment::bootFullBelowTwoGenerations()
{
    constexpr qint64 MiB = 1024 * 1024;
    Snapshot s = healthy();
    s.bootStatus = {true, true, {}, 0.001};
    s.boot.path = QStringLiteral("/boot");
    s.boot.freeBytes = 86 * MiB;
    s.boot.generationBytes = 43 * MiB;  // exactly two fit: no finding
    QCOMPARE(Assessment::of(s, Thresholds(), Now).level, Assessment::Level::Ok);
    s.boot.generationBytes = 43 * MiB + 1;
    const Assessment one = Assessment::of(s, Thresholds(), Now);
    QCOMPARE(one.level, Assessment::Level::Attention);
    QCOMPARE(one.findings.size(), 1);
    QCOMPARE(one.findings[0].code, QStringLiteral("boot-full"));
    QCOMPARE(one.findings[0].message, QStringLiteral("/boot: 86 MiB free, room for 1 more kernel"));
    // The same condition while the figures move: one notification, not one per scan.
    s.boot.freeBytes = 40 * MiB;
    const Assessment none = Assessment::of(s, Thresholds(), Now);
    QCOMPARE(none.findings[0].message, QStringLiteral("/boot: 40 MiB free, no room for another kernel"));
    QCOMPARE(none.findings[0].key, one.findings[0].key);
    // Unknown free space or size of a generation, or a loader that copies nothing: silence.
    s.boot.generationBytes = 0;
    QVERIFY(Assessment::of(s, Thresholds(), Now).findings.isEmpty());
    s.boot.generationBytes.reset();
    QVERIFY(Assessment::of(s, Thresholds(), Now).findings.isEmpty());
}

void TestAssessment::maintenanceFindings()
{
    const Thresholds t;
    QVERIFY(Assessment::of(maintained("success", Day), t, Now).findings.isEmpty());

    const Assessment failed = Assessment::of(maintained("exit-code", Day), t, Now);
    QCOMPARE(codes(failed), QStringList{"auto-upgrade-failed"});
    QCOMPARE(failed.findings.first().message, QStringLiteral("auto-upgrade failed 1 hour ago (exit-code)"));
    QCOMPARE(failed.findings.first().key, QStringLiteral("auto-upgrade-failed:nixos-upgrade.service"));
    QCOMPARE(failed.level, Assessment::Level::Attention);

    // Garbage collection at its threshold and one second past it.
    QVERIFY(Assessment::of(maintained("success", t.garbageCollectionOverdueSeconds), t, Now).findings.isEmpty());
    const Assessment gc = Assessment::of(maintained("success", t.garbageCollectionOverdueSeconds + 1), t, Now);
    QCOMPARE(codes(gc), QStringList{"gc-overdue"});
    QCOMPARE(gc.findings.first().message, QStringLiteral("garbage collection has not run for 10 days"));
    // The next change is when garbage collection crosses it (before the generation does).
    QCOMPARE(Assessment::nextChange(maintained("success", 9 * Day), t, Now),
             std::optional<qint64>(Now - 9 * Day + t.garbageCollectionOverdueSeconds + 1));

    // After a reboot systemd knows only the timer's last firing: the upgrade is overdue by it.
    Snapshot rebooted = maintained("success", Day);
    rebooted.maintenance.units[0] = unit("nixos-upgrade.service", "inactive", std::nullopt);
    rebooted.maintenance.units[1].lastRunAt = Now - t.autoUpgradeOverdueSeconds - 1;
    const Assessment overdue = Assessment::of(rebooted, t, Now);
    QCOMPARE(codes(overdue), QStringList{"auto-upgrade-overdue"});
    QCOMPARE(overdue.findings.first().message, QStringLiteral("auto-upgrade has not run for 10 days"));
}

void TestAssessment::maintenanceOverdueOnlyWhileScheduled()
{
    // A stopped timer (automatic GC switched off) is a choice, not an overdue task; no units
    // at all (no collector) say nothing.
    Snapshot s = maintained("success", 100 * Day);
    s.maintenance.units[3].activeState = QStringLiteral("inactive");
    QVERIFY(Assessment::of(s, Thresholds(), Now).findings.isEmpty());
    s.maintenance.units.clear();
    QVERIFY(Assessment::of(s, Thresholds(), Now).findings.isEmpty());
    QCOMPARE(Assessment::nextChange(s, Thresholds(), Now), Assessment::nextChange(healthy(), Thresholds(), Now));
}

QTEST_GUILESS_MAIN(TestAssessment)
#include "tst_assessment.moc"
