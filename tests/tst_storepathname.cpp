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

QTEST_GUILESS_MAIN(TestStorePathName)
#include "tst_storepathname.moc"
