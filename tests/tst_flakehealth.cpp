// SPDX-License-Identifier: MIT
#include "flakehealth.h"

#include <QDateTime>
#include <QFile>
#include <QTest>
#include <QTimeZone>

namespace {
qint64 at(const char *date)
{
    return QDateTime(QDate::fromString(QLatin1String(date), Qt::ISODate), QTime(12, 0), QTimeZone::utc()).toSecsSinceEpoch();
}

FlakeInput input(const QString &name, const QString &type, const QString &owner, const QString &repo,
                 const QString &ref, const QString &url = {})
{
    FlakeInput i;
    i.name = name;
    i.type = type;
    i.owner = owner;
    i.repo = repo;
    i.ref = ref;
    i.url = url;
    return i;
}

FlakeLock lockOf(const QList<FlakeInput> &inputs)
{
    FlakeLock lock;
    lock.version = 7;
    lock.inputs = inputs;
    return lock;
}
} // namespace

Q_DECLARE_METATYPE(FlakeInput)

class TestFlakeHealth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void releaseCalendar_data();
    void releaseCalendar();
    void branches_data();
    void branches();
    void severalAndNone();
    void realLocks();
};

void TestFlakeHealth::releaseCalendar_data()
{
    QTest::addColumn<QString>("date");
    QTest::addColumn<QStringList>("supported");
    QTest::newRow("after 26.05, before 26.11 branches") << "2026-08-15" << QStringList{"26.05"};
    QTest::newRow("26.11 branched off") << "2026-11-23" << QStringList{"26.05", "26.11"};
    QTest::newRow("26.05's last month") << "2026-12-20" << QStringList{"26.05", "26.11"};
    QTest::newRow("26.05 over") << "2027-01-05" << QStringList{"26.11"};
    QTest::newRow("around a new year") << "2025-01-10" << QStringList{"24.11"};
    QTest::newRow("25.05 branched off") << "2025-05-10" << QStringList{"24.11", "25.05"};
}

void TestFlakeHealth::releaseCalendar()
{
    QFETCH(QString, date);
    QFETCH(QStringList, supported);
    QCOMPARE(FlakeHealth::supportedReleases(at(date.toLatin1().constData())), supported);
}

void TestFlakeHealth::branches_data()
{
    QTest::addColumn<FlakeInput>("flakeInput");
    QTest::addColumn<QString>("ref");
    QTest::addColumn<QString>("release");
    QTest::addColumn<bool>("official");
    QTest::addColumn<bool>("maintained");
    const QString gh = QStringLiteral("github");
    QTest::newRow("supported release") << input("nixpkgs", gh, "NixOS", "nixpkgs", "nixos-26.05") << "nixos-26.05" << "26.05" << true << true;
    QTest::newRow("small channel") << input("nixpkgs", gh, "NixOS", "nixpkgs", "nixos-26.05-small") << "nixos-26.05-small" << "26.05" << true << true;
    QTest::newRow("darwin branch") << input("nixpkgs", gh, "NixOS", "nixpkgs", "nixpkgs-26.05-darwin") << "nixpkgs-26.05-darwin" << "26.05" << true << true;
    QTest::newRow("end of life") << input("nixpkgs", gh, "NixOS", "nixpkgs", "nixos-25.05") << "nixos-25.05" << "25.05" << true << false;
    QTest::newRow("unstable") << input("nixpkgs", gh, "NixOS", "nixpkgs", "nixos-unstable") << "nixos-unstable" << "" << true << true;
    QTest::newRow("nixpkgs-unstable") << input("nixpkgs", gh, "NixOS", "nixpkgs", "nixpkgs-unstable") << "nixpkgs-unstable" << "" << true << true;
    QTest::newRow("pinned") << input("nixpkgs", gh, "NixOS", "nixpkgs", "") << "" << "" << true << false;
    QTest::newRow("master") << input("nixpkgs", gh, "NixOS", "nixpkgs", "master") << "master" << "" << true << false;
    QTest::newRow("fork") << input("nixpkgs", gh, "someone", "nixpkgs", "nixos-26.05") << "nixos-26.05" << "26.05" << false << true;
    QTest::newRow("owner case") << input("nixpkgs", gh, "nixos", "nixpkgs", "nixos-26.05") << "nixos-26.05" << "26.05" << true << true;
    QTest::newRow("channel tarball") << input("pkgs", "tarball", "", "", "", "https://channels.nixos.org/nixos-26.05/nixexprs.tar.xz")
                                     << "nixos-26.05" << "26.05" << true << true;
    QTest::newRow("git url") << input("nixpkgs", "git", "", "", "refs/heads/nixos-unstable", "https://github.com/NixOS/nixpkgs.git")
                             << "refs/heads/nixos-unstable" << "" << true << true;
    QTest::newRow("registry") << input("nixpkgs", "indirect", "", "", "", "nixpkgs") << "" << "" << true << false;
}

void TestFlakeHealth::branches()
{
    QFETCH(FlakeInput, flakeInput);
    QFETCH(QString, ref);
    QFETCH(QString, release);
    QFETCH(bool, official);
    QFETCH(bool, maintained);
    const QList<NixpkgsInputHealth> health = FlakeHealth::nixpkgsInputs(lockOf({flakeInput}), {"26.05", "26.11"});
    QCOMPARE(health.size(), 1);
    QCOMPARE(health.first().input, flakeInput.name);
    QCOMPARE(health.first().ref, ref);
    QCOMPARE(health.first().release, release);
    QCOMPARE(health.first().official, official);
    QCOMPARE(health.first().maintained, maintained);
}

void TestFlakeHealth::severalAndNone()
{
    const FlakeLock none = lockOf({input("home-manager", "github", "nix-community", "home-manager", "release-26.05"),
                                   input("nixpkgs-swh", "github", "nix-community", "nixpkgs-swh", "")});
    QVERIFY(FlakeHealth::nixpkgsInputs(none, {"26.05"}).isEmpty());
    const FlakeLock several = lockOf({input("nixpkgs", "github", "NixOS", "nixpkgs", "nixos-26.05"),
                                      input("nixpkgs-old", "github", "NixOS", "nixpkgs", "nixos-24.11"),
                                      input("nixpkgs-unstable", "github", "NixOS", "nixpkgs", "nixpkgs-unstable")});
    const QList<NixpkgsInputHealth> health = FlakeHealth::nixpkgsInputs(several, {"26.05"});
    QCOMPARE(health.size(), 3);
    QCOMPARE(health[1].input, QStringLiteral("nixpkgs-old"));
    QVERIFY(!health[1].maintained);
    QVERIFY(health[0].maintained && health[2].maintained);
}

void TestFlakeHealth::realLocks()
{
    // NixOS/infra follows three nixpkgs: a release (small), its darwin twin and unstable.
    QFile file(QStringLiteral(NIXOS_TEST_DATA "/flake-locks/nixos-infra.lock"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QString error;
    const std::optional<FlakeLock> lock = FlakeLock::parse(file.readAll(), &error);
    QVERIFY2(lock, qPrintable(error));
    const QList<NixpkgsInputHealth> health = FlakeHealth::nixpkgsInputs(*lock, {"26.05"});
    QStringList names;
    for (const NixpkgsInputHealth &h : health)
        names.append(h.input + QLatin1Char('=') + h.ref);
    QCOMPARE(names, (QStringList{"nixpkgs=nixos-26.05-small", "nixpkgs-darwin=nixpkgs-26.05-darwin",
                                 "nixpkgs-unstable=nixpkgs-unstable"}));
    for (const NixpkgsInputHealth &h : health)
        QVERIFY2(h.official && h.maintained, qPrintable(h.input));
}

QTEST_GUILESS_MAIN(TestFlakeHealth)
#include "tst_flakehealth.moc"
