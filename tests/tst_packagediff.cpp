// SPDX-License-Identifier: MIT
// PackageDiff on closures written inline: grouping by package, the four kinds, versions in
// Nix's order, what is not a change; SystemDiff's JSON, read back, and /status's
// reboot_changes. tst_closurediff checks the diff against `nix store diff-closures` on stores
// Nix wrote.
#include "assessment.h"
#include "packagediff.h"
#include "snapshot.h"
#include "statusjson.h"
#include "systemdiff.h"

#include <QJsonArray>
#include <QTest>

namespace {

using Kind = PackageChange::Kind;

// A closure of paths named as given ("hello-2.12"), each 1,000 bytes.
StoreClosure closureOf(const QStringList &names)
{
    StoreClosure closure;
    int serial = 0;
    for (const QString &name : names) {
        const QString hash = QStringLiteral("%1").arg(++serial, 32, 10, QLatin1Char('0'));
        closure.paths.append({QStringLiteral("/nix/store/%1-%2").arg(hash, name), 1000});
    }
    closure.storePath = closure.paths.value(0).path;
    return closure;
}

} // namespace

class TestPackageDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void theFourKinds();
    void outputsAreOnePackage();
    void sameVersionsAreNoChange();
    void severalVersions();
    void versionsInNixOrder();
    void noVersion();
    void json();
    void closureSize();
    void systemDiffJson();
    void statusRebootChanges();
};

void TestPackageDiff::theFourKinds()
{
    const PackageDiff diff = PackageDiff::between(
        closureOf({"linux-6.6.58", "firefox-131.0", "nano-8.2", "curl-8.11.0", "etc"}),
        closureOf({"linux-6.6.60", "firefox-130.0.1", "ripgrep-14.1.1", "curl-8.11.0", "etc"}));
    const QList<PackageChange> expected{
        {Kind::Upgraded, "linux", {"6.6.58"}, {"6.6.60"}},
        {Kind::Downgraded, "firefox", {"131.0"}, {"130.0.1"}},
        {Kind::Added, "ripgrep", {}, {"14.1.1"}},
        {Kind::Removed, "nano", {"8.2"}, {}},
    };
    QCOMPARE(diff.changes, expected);
    QCOMPARE(diff.count(Kind::Upgraded), 1);
    QCOMPARE(diff.count(Kind::Removed), 1);
}

void TestPackageDiff::outputsAreOnePackage()
{
    const PackageDiff diff = PackageDiff::between(closureOf({"systemd-256.8", "systemd-256.8-man", "systemd-256.8-dev"}),
                                                  closureOf({"systemd-257.1", "systemd-257.1-man"}));
    QCOMPARE(diff.changes, (QList<PackageChange>{{Kind::Upgraded, "systemd", {"256.8"}, {"257.1"}}}));
}

void TestPackageDiff::sameVersionsAreNoChange()
{
    // A rebuild (other hash, other size) with the same version: diff-closures shows only its
    // size, and so no package change here.
    StoreClosure before = closureOf({"hello-2.12", "bash-5.2"});
    StoreClosure after = closureOf({"bash-5.2", "hello-2.12"});
    after.paths[0].narSize = 5'000'000;
    QVERIFY(PackageDiff::between(before, after).isEmpty());
    QVERIFY(PackageDiff::between(before, before).isEmpty());
}

void TestPackageDiff::severalVersions()
{
    // Only the versions one side lacks are listed, as diff-closures does.
    const PackageDiff diff = PackageDiff::between(
        closureOf({"python3-3.11.9", "python3-3.12.7", "openssl-1.1.1w", "openssl-3.0.15", "zlib-1.3"}),
        closureOf({"python3-3.12.8", "python3-3.11.9", "openssl-3.0.15", "zlib-1.3", "zlib-1.2.13"}));
    const QList<PackageChange> expected{
        {Kind::Upgraded, "python3", {"3.12.7"}, {"3.12.8"}},
        {Kind::Added, "zlib", {}, {"1.2.13"}},     // a second version next to 1.3
        {Kind::Removed, "openssl", {"1.1.1w"}, {}}, // 3.0.15 stays
    };
    QCOMPARE(diff.changes, expected);
}

void TestPackageDiff::versionsInNixOrder()
{
    const PackageDiff diff =
        PackageDiff::between(closureOf({"foo-1.9", "foo-1.10"}), closureOf({"foo-1.2", "foo-1.11", "foo-1.100"}));
    QCOMPARE(diff.changes.size(), 1);
    QCOMPARE(diff.changes[0].before, (QStringList{"1.9", "1.10"}));
    QCOMPARE(diff.changes[0].after, (QStringList{"1.2", "1.11", "1.100"}));
    QCOMPARE(diff.changes[0].kind, Kind::Upgraded); // 1.100 > 1.10
}

void TestPackageDiff::noVersion()
{
    const PackageDiff diff = PackageDiff::between(closureOf({"etc", "foo"}), closureOf({"etc", "foo-1.0"}));
    QCOMPARE(diff.changes, (QList<PackageChange>{{Kind::Upgraded, "foo", {""}, {"1.0"}}}));
}

void TestPackageDiff::json()
{
    const QJsonObject json =
        PackageDiff::between(closureOf({"linux-6.6.58", "nano-8.2"}), closureOf({"linux-6.6.60"})).toJson();
    QCOMPARE(json.keys(), (QStringList{"added", "downgraded", "removed", "upgraded"}));
    QCOMPARE(json["downgraded"].toArray().size(), 0);
    const QJsonObject linux = json["upgraded"].toArray().at(0).toObject();
    QCOMPARE(linux["name"].toString(), QStringLiteral("linux"));
    QCOMPARE(linux["before"].toArray(), QJsonArray{"6.6.58"});
    QCOMPARE(linux["after"].toArray(), QJsonArray{"6.6.60"});
    QCOMPARE(json["removed"].toArray().at(0).toObject()["after"].toArray(), QJsonArray());
}

void TestPackageDiff::closureSize()
{
    StoreClosure closure = closureOf({"a-1", "b-2", "c-3"});
    QCOMPARE(closure.pathCount(), 3);
    QCOMPARE(closure.sizeBytes(), std::optional<qint64>(3000));
    closure.paths[1].narSize.reset();
    QCOMPARE(closure.sizeBytes(), std::nullopt); // one unknown size: the sum is unknown
}

namespace {
SystemDiff sampleSystemDiff()
{
    return {{"booted", "/nix/store/00000000000000000000000000000001-nixos-system-a", 46, 1200, 5'000'000},
            {"current", "/nix/store/00000000000000000000000000000002-nixos-system-b", std::nullopt, 1203, std::nullopt},
            PackageDiff::between(closureOf({"linux-6.6.58", "nano-8.2", "foo"}), closureOf({"linux-6.6.60", "foo-1.0"}))};
}
} // namespace

void TestPackageDiff::systemDiffJson()
{
    const SystemDiff diff = sampleSystemDiff();
    const QJsonObject json = diff.toJson();
    QCOMPARE(json.keys(), (QStringList{"from", "packages", "to"}));
    QCOMPARE(json["from"].toObject(), (QJsonObject{{"name", "booted"},
                                                   {"store_path", "/nix/store/00000000000000000000000000000001-nixos-system-a"},
                                                   {"generation", 46}, {"path_count", 1200}, {"size_bytes", 5'000'000}}));
    // Unknown is null, never 0.
    QCOMPARE(json["to"]["generation"], QJsonValue());
    QCOMPARE(json["to"]["size_bytes"], QJsonValue());
    QCOMPARE(json["packages"].toObject(), diff.packages.toJson());
    // Read back (a fleet host's /status): the same diff; not a diff without its sides.
    QCOMPARE(SystemDiff::fromJson(json), std::optional<SystemDiff>(diff));
    QCOMPARE(SystemDiff::fromJson(QJsonObject{{"packages", json["packages"]}}), std::nullopt);
    QCOMPARE(SystemDiff::fromJson(QJsonObject()), std::nullopt);
}

void TestPackageDiff::statusRebootChanges()
{
    Snapshot snapshot;
    const qint64 now = 1'800'000'000;
    const auto rebootChanges = [&]() -> QJsonValue {
        return StatusJson::toJson(snapshot, Assessment::of(snapshot, Thresholds(), now), now)["reboot_changes"];
    };
    QCOMPARE(rebootChanges(), QJsonValue()); // not read: null
    snapshot.rebootChanges = sampleSystemDiff();
    QJsonObject expected = snapshot.rebootChanges->toJson();
    expected.insert("counts", QJsonObject{{"upgraded", 2}, {"downgraded", 0}, {"added", 0}, {"removed", 1}});
    QCOMPARE(rebootChanges().toObject(), expected);
}

QTEST_GUILESS_MAIN(TestPackageDiff)
#include "tst_packagediff.moc"
