// SPDX-License-Identifier: MIT
#include "fixturetree.h"
#include "systemlayout.h"

#include <QFile>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

class TestSystemLayout : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void hostPathStaysUnderRoot();
    void absoluteTargetsResolveInsideRoot();
    void relativeTargetsAndDotDot();
    void danglingLinkIsAnError();
    void linkLoopIsAnError();
    void readFileRespectsLimit();
    void unreadableFileIsAnError();
    void linkMTimeIsTheLinksOwn();
    void linkTarget();
};

void TestSystemLayout::hostPathStaysUnderRoot()
{
    const SystemLayout layout(QStringLiteral("/srv/fixture"));
    QCOMPARE(layout.hostPath(QStringLiteral("/run/current-system")), QStringLiteral("/srv/fixture/run/current-system"));
    // ".." cannot climb out of the root, as in a chroot.
    QCOMPARE(layout.hostPath(QStringLiteral("/../../etc/passwd")), QStringLiteral("/srv/fixture/etc/passwd"));
    QCOMPARE(SystemLayout().hostPath(QStringLiteral("/run")), QStringLiteral("/run"));
}

void TestSystemLayout::absoluteTargetsResolveInsideRoot()
{
    FixtureTree tree;
    tree.writeFile(QStringLiteral("/nix/store/aaa-system/nixos-version"), "24.11");
    tree.symlink(QStringLiteral("/run/current-system"), QStringLiteral("/nix/store/aaa-system"));
    const SystemLayout layout(tree.root());

    QString error;
    QCOMPARE(layout.resolve(QStringLiteral("/run/current-system"), &error).value_or(error),
             QStringLiteral("/nix/store/aaa-system"));
    QCOMPARE(layout.resolve(QStringLiteral("/run/current-system/nixos-version")).value_or(QString()),
             QStringLiteral("/nix/store/aaa-system/nixos-version"));
    QCOMPARE(layout.readFile(QStringLiteral("/run/current-system/nixos-version"), 100).value_or("?"),
             QByteArray("24.11"));
}

void TestSystemLayout::relativeTargetsAndDotDot()
{
    FixtureTree tree;
    tree.writeFile(QStringLiteral("/nix/store/bbb-kernel/bzImage"), "k");
    tree.symlink(QStringLiteral("/nix/store/ccc-system/kernel"), QStringLiteral("../bbb-kernel/bzImage"));
    tree.symlink(QStringLiteral("/nix/var/nix/profiles/system"), QStringLiteral("system-3-link"));
    tree.symlink(QStringLiteral("/nix/var/nix/profiles/system-3-link"), QStringLiteral("/nix/store/ccc-system"));
    const SystemLayout layout(tree.root());
    QCOMPARE(layout.resolve(QStringLiteral("/nix/var/nix/profiles/system/kernel")).value_or(QString()),
             QStringLiteral("/nix/store/bbb-kernel/bzImage"));
    // A target that climbs above the root stays at the root.
    tree.symlink(QStringLiteral("/run/escape"), QStringLiteral("../../../../etc/nixos"));
    QCOMPARE(layout.resolve(QStringLiteral("/run/escape")).value_or(QString()), QStringLiteral("/etc/nixos"));
}

void TestSystemLayout::danglingLinkIsAnError()
{
    FixtureTree tree;
    tree.symlink(QStringLiteral("/run/booted-system"), QStringLiteral("/nix/store/gone-system"));
    const SystemLayout layout(tree.root());
    QString error;
    QVERIFY(!layout.resolve(QStringLiteral("/run/booted-system"), &error));
    QVERIFY2(error.contains(QLatin1String("/nix/store/gone-system")), qPrintable(error));
    QVERIFY(!layout.readFile(QStringLiteral("/run/booted-system/nixos-version"), 100, &error));
    QVERIFY(layout.listDirectory(QStringLiteral("/run/booted-system")).isEmpty());
}

void TestSystemLayout::linkLoopIsAnError()
{
    FixtureTree tree;
    tree.symlink(QStringLiteral("/run/a"), QStringLiteral("/run/b"));
    tree.symlink(QStringLiteral("/run/b"), QStringLiteral("/run/a"));
    QString error;
    QVERIFY(!SystemLayout(tree.root()).resolve(QStringLiteral("/run/a/x"), &error));
    QVERIFY2(error.contains(QLatin1String("too many levels")), qPrintable(error));
}

void TestSystemLayout::readFileRespectsLimit()
{
    FixtureTree tree;
    tree.writeFile(QStringLiteral("/etc/nixos/flake.lock"), QByteArray(1000, 'x'));
    const SystemLayout layout(tree.root());
    QString error;
    QVERIFY(layout.readFile(QStringLiteral("/etc/nixos/flake.lock"), 1000, &error));
    QVERIFY(!layout.readFile(QStringLiteral("/etc/nixos/flake.lock"), 999, &error));
    QVERIFY2(error.contains(QLatin1String("limit")), qPrintable(error));
    // A directory is not a file.
    QVERIFY(!layout.readFile(QStringLiteral("/etc/nixos"), 1000, &error));
}

void TestSystemLayout::unreadableFileIsAnError()
{
    FixtureTree tree;
    tree.writeFile(QStringLiteral("/etc/nixos/flake.lock"), "{}");
    QVERIFY(::chmod(QFile::encodeName(tree.root()).constData(), 0755) == 0);
    QVERIFY(::chmod(QFile::encodeName(tree.hostPath(QStringLiteral("/etc/nixos/flake.lock"))).constData(), 0) == 0);
    // Root reads anything; test as an unprivileged user the way the exporter runs.
    const bool wasRoot = ::geteuid() == 0;
    if (wasRoot)
        QVERIFY(::seteuid(65534) == 0);
    QString error;
    const bool read = SystemLayout(tree.root()).readFile(QStringLiteral("/etc/nixos/flake.lock"), 100, &error).has_value();
    if (wasRoot)
        QVERIFY(::seteuid(0) == 0);
    QVERIFY(!read);
    QVERIFY2(error.contains(QLatin1String("flake.lock")), qPrintable(error));
}

void TestSystemLayout::linkMTimeIsTheLinksOwn()
{
    FixtureTree tree;
    tree.writeFile(QStringLiteral("/nix/store/ddd-system/nixos-version"), "x");
    tree.symlink(QStringLiteral("/nix/var/nix/profiles/system-1-link"), QStringLiteral("/nix/store/ddd-system"));
    tree.setLinkMTime(QStringLiteral("/nix/var/nix/profiles/system-1-link"), 1700000000);
    const QByteArray link = QFile::encodeName(tree.hostPath(QStringLiteral("/nix/var/nix/profiles/system-1-link")));
    QCOMPARE(SystemLayout::hostLinkMTime(link), std::optional<qint64>(1700000000));
    QCOMPARE(SystemLayout::hostLinkTarget(link), std::optional<QString>(QStringLiteral("/nix/store/ddd-system")));
}

void TestSystemLayout::linkTarget()
{
    FixtureTree tree;
    tree.symlink(QStringLiteral("/nix/var/nix/profiles/system"), QStringLiteral("system-12-link"));
    const SystemLayout layout(tree.root());
    QCOMPARE(layout.linkTarget(QStringLiteral("/nix/var/nix/profiles/system")), std::optional<QString>(QStringLiteral("system-12-link")));
    QVERIFY(!layout.linkTarget(QStringLiteral("/nix/var/nix/profiles")));
}

QTEST_GUILESS_MAIN(TestSystemLayout)
#include "tst_systemlayout.moc"
