// SPDX-License-Identifier: MIT
#include "storepathname.h"

#include <QTest>

class TestStorePathName : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void of_data();
    void of();
    void parseDrvName_data();
    void parseDrvName();
    void packageOf_data();
    void packageOf();
    void compareVersions_data();
    void compareVersions();
};

void TestStorePathName::of_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("name");
    const QString hash = QStringLiteral("/nix/store/0123456789abcdfghijklmnpqrsvwxyz");
    QTest::newRow("package") << hash + "-hello-2.12.1" << "hello-2.12.1";
    QTest::newRow("file inside") << hash + "-linux-6.12.47/bzImage" << "linux-6.12.47";
    QTest::newRow("deeper") << hash + "-initrd-linux-6.12.47/initrd/x" << "initrd-linux-6.12.47";
    QTest::newRow("not the store") << "/run/current-system/kernel" << "/run/current-system/kernel";
    QTest::newRow("short hash") << "/nix/store/abc-hello-1.0" << "/nix/store/abc-hello-1.0";
    QTest::newRow("store only") << "/nix/store/" << "/nix/store/";
    QTest::newRow("empty") << "" << "";
}

void TestStorePathName::of()
{
    QFETCH(QString, path);
    QFETCH(QString, name);
    QCOMPARE(StorePathName::of(path), name);
}

void TestStorePathName::parseDrvName_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("version");
    // The same answers as `nix-instantiate --eval -E 'builtins.parseDrvName "…"'`.
    QTest::newRow("simple") << "hello-2.12.1" << "hello" << "2.12.1";
    QTest::newRow("dashed name") << "python3.12-pyyaml-6.0.2" << "python3.12-pyyaml" << "6.0.2";
    QTest::newRow("no version") << "etc" << "etc" << "";
    QTest::newRow("letters only after dashes") << "nixos-system-nixos" << "nixos-system-nixos" << "";
    QTest::newRow("kernel") << "linux-6.12.47" << "linux" << "6.12.47";
    QTest::newRow("initrd") << "initrd-linux-6.12.47" << "initrd-linux" << "6.12.47";
    QTest::newRow("non-letter, not digit") << "foo-_bar" << "foo" << "_bar";
    QTest::newRow("version with output") << "systemd-257.8-man" << "systemd" << "257.8-man";
    QTest::newRow("trailing dash") << "foo-" << "foo-" << "";
    QTest::newRow("unicode letter is not ASCII") << "foo-ébar" << "foo" << "ébar";
    QTest::newRow("empty") << "" << "" << "";
}

void TestStorePathName::parseDrvName()
{
    QFETCH(QString, input);
    QFETCH(QString, name);
    QFETCH(QString, version);
    const StorePathName::DrvName parsed = StorePathName::parseDrvName(input);
    QCOMPARE(parsed.name, name);
    QCOMPARE(parsed.version, version);
}

void TestStorePathName::packageOf_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("version");
    // As `nix store diff-closures` groups paths (its regex "(.*)-([a-z]+|lib32|lib64)" first).
    QTest::newRow("output man") << "systemd-257.8-man" << "systemd" << "257.8";
    QTest::newRow("output dev") << "openssl-3.0.15-dev" << "openssl" << "3.0.15";
    QTest::newRow("lib64") << "glibc-2.40-66-lib64" << "glibc" << "2.40-66";
    QTest::newRow("lib32 only once") << "foo-1.0-lib32-lib64" << "foo" << "1.0-lib32";
    QTest::newRow("no output") << "linux-6.12.47" << "linux" << "6.12.47";
    QTest::newRow("letters are an output too") << "nixos-system-host" << "nixos-system" << "";
    QTest::newRow("unstable suffix") << "foo-unstable" << "foo" << "";
    QTest::newRow("digits in the suffix") << "perl-5.38-lib2" << "perl" << "5.38-lib2";
    QTest::newRow("no dash") << "etc" << "etc" << "";
    QTest::newRow("capital letters stay") << "foo-1.0-Bin" << "foo" << "1.0-Bin";
}

void TestStorePathName::packageOf()
{
    QFETCH(QString, input);
    QFETCH(QString, name);
    QFETCH(QString, version);
    QCOMPARE(StorePathName::packageOf(input), (StorePathName::DrvName{name, version}));
}

void TestStorePathName::compareVersions_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<int>("order");
    // The same answers as `nix-instantiate --eval -E 'builtins.compareVersions "a" "b"'`.
    QTest::newRow("numbers as numbers") << "1.9" << "1.10" << -1;
    QTest::newRow("equal") << "2.12.1" << "2.12.1" << 0;
    QTest::newRow("leading zeros") << "1.01" << "1.1" << 0;
    QTest::newRow("longer is newer") << "1.2" << "1.2.1" << -1;
    QTest::newRow("pre first") << "1.0pre3" << "1.0" << -1;
    QTest::newRow("letters before numbers") << "2.3a" << "2.3.1" << -1;
    QTest::newRow("letters compared") << "1.0a" << "1.0b" << -1;
    QTest::newRow("dash separates") << "2.40-66" << "2.40-7" << 1;
    QTest::newRow("empty version") << "" << "1.0" << -1;
    QTest::newRow("dates") << "unstable-2024-11-02" << "unstable-2024-10-30" << 1;
}

void TestStorePathName::compareVersions()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(int, order);
    const auto sign = [](int v) { return (v > 0) - (v < 0); };
    QCOMPARE(sign(StorePathName::compareVersions(a, b)), order);
    QCOMPARE(sign(StorePathName::compareVersions(b, a)), -order);
}

QTEST_GUILESS_MAIN(TestStorePathName)
#include "tst_storepathname.moc"
