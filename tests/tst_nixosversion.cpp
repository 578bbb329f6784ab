// SPDX-License-Identifier: MIT
#include "nixosversion.h"

#include <QDateTime>
#include <QTimeZone>
#include <QTest>

class TestNixosVersion : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
};

void TestNixosVersion::parse_data()
{
    QTest::addColumn<QString>("label");
    QTest::addColumn<QString>("release");
    QTest::addColumn<QString>("date");  // yyyy-MM-dd or empty when unknown
    QTest::addColumn<QString>("revision");

    QTest::newRow("flake build") << "24.11.20241201.abcdef0" << "24.11" << "2024-12-01" << "abcdef0";
    QTest::newRow("trailing newline") << "25.05.20250301.0123456\n" << "25.05" << "2025-03-01" << "0123456";
    QTest::newRow("long revision") << "23.05.20230615.0123456789abcdef0123456789abcdef01234567"
                                   << "23.05" << "2023-06-15" << "0123456789abcdef0123456789abcdef01234567";
    QTest::newRow("stable channel revCount") << "20.09.1234.abcdef0" << "20.09" << "" << "abcdef0";
    QTest::newRow("unstable channel") << "24.11pre712431.a2b3c4d5e6f7" << "24.11" << "" << "a2b3c4d5e6f7";
    QTest::newRow("dirty tree") << "24.11.20241201.dirty" << "24.11" << "2024-12-01" << "";
    QTest::newRow("suffix after revision") << "24.11.20241201.abcdef0-custom" << "24.11" << "2024-12-01" << "abcdef0";
    QTest::newRow("not a hex revision") << "24.11.20241201.abcdefgh" << "24.11" << "2024-12-01" << "";
    QTest::newRow("impossible date") << "24.11.20241341.abcdef0" << "24.11" << "" << "abcdef0";
    QTest::newRow("release only") << "24.11" << "24.11" << "" << "";
    QTest::newRow("not a label") << "hello" << "" << "" << "";
    QTest::newRow("empty") << "" << "" << "" << "";
}

void TestNixosVersion::parse()
{
    QFETCH(QString, label);
    QFETCH(QString, release);
    QFETCH(QString, date);
    QFETCH(QString, revision);

    const NixosVersion version = NixosVersion::parse(label);
    QCOMPARE(version.label, label.trimmed());
    QCOMPARE(version.release, release);
    QCOMPARE(version.nixpkgsRevision, revision);
    if (date.isEmpty()) {
        QVERIFY(!version.nixpkgsDate);
    } else {
        QVERIFY(version.nixpkgsDate);
        const QDateTime expected(QDate::fromString(date, Qt::ISODate), QTime(0, 0), QTimeZone::utc());
        QCOMPARE(*version.nixpkgsDate, expected.toSecsSinceEpoch());
    }
}

QTEST_GUILESS_MAIN(TestNixosVersion)
#include "tst_nixosversion.moc"
