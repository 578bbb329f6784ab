// SPDX-License-Identifier: MIT
// `nixos-status diff` and `generations` on a real Nix store that Nix itself wrote
// (tests/nixstore.h): three systems of 2,000 packages as generations 1 to 3, booted 2,
// current 3. The diff must equal `nix store diff-closures` package for package, and the
// closures `nix-store -qR`.
#include "cliprocess.h"
#include "fixturetree.h"
#include "nixdatabase.h"
#include "nixstore.h"
#include "packagediff.h"
#include "requiredtool.h"
#include "systemlayout.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

namespace {
constexpr int Packages = 2000;
// Generation 1's link is 3 days old, 2's 2 days, 3's one.
constexpr qint64 Day = 86400;
}

class TestClosureDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void matchesNixDiffClosures_data();
    void matchesNixDiffClosures();
    void closureMatchesNix();
    void diffBootedToCurrent();
    void diffAfterSwitchWithoutReboot();
    void diffJson();
    void diffSidesThatCannotBeRead_data();
    void diffSidesThatCannotBeRead();
    void diffWithoutDatabase();
    void colourOnlyWhenAsked();
    void generations();
    void generationsJson();
    void generationsWithoutDatabase();

private:
    QStringList root() const { return {QStringLiteral("--root"), m_tree->root()}; }
    QString dbFile() const { return m_tree->hostPath(NixDatabase::Path); }

    std::unique_ptr<FixtureTree> m_tree;
    std::unique_ptr<NixStore> m_store;
    QStringList m_systems; // generation N is m_systems[N - 1]
};

void TestClosureDiff::initTestCase()
{
    const QString missing = NixStore::missingTool();
    NIXOS_REQUIRE_FOUND(QString(missing.isEmpty() ? "found" : ""),
                        RequiredTool::missing(qPrintable(missing), "nix-bin, coreutils", "nix, coreutils"));
    m_tree = std::make_unique<FixtureTree>();
    m_store = std::make_unique<NixStore>(m_tree->root());
    QElapsedTimer timer;
    timer.start();
    for (int step = 0; step < 3; ++step) {
        const std::optional<QString> system = m_store->build(NixStore::sample(Packages, step));
        if (!system && m_store->sandboxUnavailable())
            QSKIP(qPrintable(QStringLiteral("Nix builds into a store below a root only in its sandbox, which this machine does not allow: ")
                             + m_store->error()));
        QVERIFY2(system, qPrintable(m_store->error()));
        m_systems.append(*system);
        QVERIFY2(m_store->setSystemProfile(*system), qPrintable(m_store->error()));
        m_tree->setLinkMTime(QStringLiteral("/nix/var/nix/profiles/system-%1-link").arg(step + 1),
                             QDateTime::currentSecsSinceEpoch() - (3 - step) * Day);
    }
    qInfo("three systems of %d packages written by Nix in %lld ms", Packages, timer.elapsed());
}

void TestClosureDiff::init()
{
    m_tree->setBootedSystem(m_systems[1]);
    m_tree->setCurrentSystem(m_systems[2]);
}

void TestClosureDiff::matchesNixDiffClosures_data()
{
    QTest::addColumn<int>("before");
    QTest::addColumn<int>("after");
    QTest::newRow("1 -> 2: upgrades, downgrades, added, removed") << 1 << 2;
    QTest::newRow("2 -> 3: upgrades") << 2 << 3;
    QTest::newRow("3 -> 1: back") << 3 << 1;
}

void TestClosureDiff::matchesNixDiffClosures()
{
    QFETCH(int, before);
    QFETCH(int, after);
    const QString from = m_systems[before - 1], to = m_systems[after - 1];
    NixDatabase database{SystemLayout(m_tree->root())};
    QString error;
    const std::optional<StoreClosure> a = database.closure(from, &error), b = database.closure(to, &error);
    QVERIFY2(a && b, qPrintable(error));
    const PackageDiff diff = PackageDiff::between(*a, *b);
    const auto nix = m_store->diffClosures(from, to);
    QVERIFY2(nix, qPrintable(m_store->error()));
    QVERIFY(nix->size() > 50);
    QMap<QString, QPair<QStringList, QStringList>> ours;
    for (const PackageChange &change : diff.changes) {
        QStringList gone = change.before, came = change.after;
        gone.sort();
        came.sort();
        ours.insert(change.name, {gone, came});
    }
    QMap<QString, QPair<QStringList, QStringList>> theirs = *nix;
    for (auto &versions : theirs) {
        versions.first.sort();
        versions.second.sort();
    }
    for (auto it = theirs.cbegin(); it != theirs.cend(); ++it)
        QVERIFY2(ours.value(it.key()) == it.value(), qPrintable(QStringLiteral("%1: nix says %2 → %3").arg(
                                                         it.key(), it.value().first.join(','), it.value().second.join(','))));
    QCOMPARE(ours.keys(), theirs.keys());
    if (before == 1 && after == 2) {
        // What NixStore::sample changes at step 1, with the kinds that follow.
        using Kind = PackageChange::Kind;
        QCOMPARE(diff.count(Kind::Downgraded), 3);
        QCOMPARE(diff.count(Kind::Added), 11);
        QCOMPARE(diff.count(Kind::Removed), 11);
        QVERIFY(diff.changes.contains(PackageChange{Kind::Upgraded, "systemd", {"256.8"}, {"257.1"}}));
        QVERIFY(diff.changes.contains(PackageChange{Kind::Upgraded, "linux", {"6.6.58"}, {"6.6.59"}}));
        QVERIFY(diff.changes.contains(PackageChange{Kind::Added, "ripgrep", {}, {"14.1.1"}}));
        QVERIFY(diff.changes.contains(PackageChange{Kind::Removed, "nano", {"8.2"}, {}}));
        QVERIFY(diff.changes.contains(PackageChange{Kind::Downgraded, "pkg503", {"2.0"}, {"1.9"}}));
    }
}

void TestClosureDiff::closureMatchesNix()
{
    QProcess nixStore;
    nixStore.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    nixStore.start(QStandardPaths::findExecutable(QStringLiteral("nix-store")),
                   m_store->options() + QStringList{QStringLiteral("-qR"), m_systems[0]});
    QVERIFY(nixStore.waitForFinished(60'000));
    QStringList paths = QString::fromUtf8(nixStore.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    paths.sort();
    QString error;
    const std::optional<StoreClosure> closure = NixDatabase(SystemLayout(m_tree->root())).closure(m_systems[0], &error);
    QVERIFY2(closure, qPrintable(error));
    QStringList ours;
    qint64 size = 0;
    for (const StorePathInfo &info : closure->paths) {
        ours.append(info.path);
        // The NAR of a file or directory is never empty, and each path's is on disk.
        QVERIFY(info.narSize && *info.narSize > 0);
        size += *info.narSize;
    }
    QCOMPARE(ours, paths);
    QVERIFY(ours.size() > Packages);
    QCOMPARE(closure->sizeBytes(), std::optional<qint64>(size));
}

void TestClosureDiff::diffBootedToCurrent()
{
    const CliRun result = runCli(QStringList{QStringLiteral("diff")} + root());
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QVERIFY(result.err.isEmpty());
    const QString out = QString::fromUtf8(result.out);
    QVERIFY2(out.startsWith(QStringLiteral("booted (generation 2) → current (generation 3)\n%1 → %2\n\n")
                                .arg(m_systems[1], m_systems[2])),
             qPrintable(out));
    QVERIFY(out.contains(QStringLiteral("\nUpgraded (101)\n")));
    static const QRegularExpression linux(QStringLiteral("\n  linux +6\\.6\\.59 → 6\\.6\\.60\n"));
    QVERIFY2(linux.match(out).hasMatch(), qPrintable(out));
    QVERIFY(!out.contains(QLatin1String("Added")) && !out.contains(QLatin1String("Removed")));
    static const QRegularExpression closure(QStringLiteral(
        "\nClosure: 2,0[0-9][0-9] → 2,0[0-9][0-9] paths \\(\\+0\\), [0-9.]+ [KM]iB → [0-9.]+ [KM]iB \\([+-][0-9.]+ (B|KiB)\\)\n$"));
    QVERIFY2(closure.match(out).hasMatch(), qPrintable(out));
}

void TestClosureDiff::diffAfterSwitchWithoutReboot()
{
    // Booted is current: nothing a reboot would change, so what the last switch changed.
    m_tree->setBootedSystem(m_systems[2]);
    const CliRun result = runCli(QStringList{QStringLiteral("diff")} + root());
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(result.out.startsWith("generation 2 → current (generation 3)\n"), result.out.constData());
    // FROM alone: FROM → current.
    const CliRun one = runCli(QStringList{QStringLiteral("diff"), QStringLiteral("1")} + root());
    QVERIFY2(one.out.startsWith("generation 1 → current (generation 3)\n"), one.out.constData());
    QVERIFY(one.out.contains("\nAdded (11)\n  new1007 "));
}

void TestClosureDiff::diffJson()
{
    const QString link = m_tree->hostPath(QStringLiteral("/nix/var/nix/profiles/system-2-link"));
    const CliRun result = runCli(QStringList{QStringLiteral("diff"), QStringLiteral("1"),
                                             QStringLiteral("/nix/var/nix/profiles/system-2-link"), QStringLiteral("--json")}
                                 + root());
    QCOMPARE(result.exitCode, 0);
    QVERIFY(QFileInfo(link).isSymLink());
    const QJsonObject json = QJsonDocument::fromJson(result.out).object();
    QCOMPARE(json["schema_version"].toInt(), 1);
    const QJsonObject from = json["from"].toObject(), to = json["to"].toObject();
    QCOMPARE(from["name"].toString(), QStringLiteral("generation 1"));
    QCOMPARE(from["generation"].toInt(), 1);
    QCOMPARE(from["store_path"].toString(), m_systems[0]);
    QCOMPARE(to["name"].toString(), QStringLiteral("/nix/var/nix/profiles/system-2-link"));
    QCOMPARE(to["generation"].toInt(), 2);
    QCOMPARE(to["store_path"].toString(), m_systems[1]);
    NixDatabase database{SystemLayout(m_tree->root())};
    QString error;
    const std::optional<StoreClosure> a = database.closure(m_systems[0], &error), b = database.closure(m_systems[1], &error);
    QVERIFY(a && b);
    QCOMPARE(from["path_count"].toInteger(), a->pathCount());
    QCOMPARE(to["size_bytes"].toInteger(), *b->sizeBytes());
    QCOMPARE(json["packages"].toObject(), PackageDiff::between(*a, *b).toJson());
    const QJsonArray removed = json["packages"]["removed"].toArray();
    QCOMPARE(removed.size(), 11);
    QVERIFY(removed.contains(QJsonObject{{"name", "nano"}, {"before", QJsonArray{"8.2"}}, {"after", QJsonArray()}}));
}

void TestClosureDiff::diffSidesThatCannotBeRead_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("no such generation") << QStringList{"7"}
                                        << "nixos-status: generation 7: no such generation in /nix/var/nix/profiles";
    QTest::newRow("not a system") << QStringList{"yesterday"}
                                  << "nixos-status: \"yesterday\": not a generation number, booted, current or an absolute path";
    QTest::newRow("dangling") << QStringList{"/nix/var/nix/profiles/nothing"}
                              << "nixos-status: /nix/var/nix/profiles/nothing: ";
    QTest::newRow("not in the store") << QStringList{"/nix/var/nix/profiles"}
                                      << "nixos-status: /nix/var/nix/profiles: /nix/var/nix/profiles is not in /nix/store/";
    QTest::newRow("not in the database")
        << QStringList{"/nix/store/00000000000000000000000000000000-nixos-system-gone"}
        << "nixos-status: /nix/store/00000000000000000000000000000000-nixos-system-gone: /nix/store/"
           "00000000000000000000000000000000-nixos-system-gone is not a valid store path in /nix/var/nix/db/db.sqlite "
           "(garbage-collected, or not built here)";
    QTest::newRow("three sides") << QStringList{"1", "2", "3"} << "nixos-status: unexpected argument \"3\"";
}

void TestClosureDiff::diffSidesThatCannotBeRead()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    // A store directory Nix never registered (copied in, or its registration lost).
    QDir().mkpath(m_tree->hostPath(QStringLiteral("/nix/store/00000000000000000000000000000000-nixos-system-gone")));
    const CliRun result = runCli(QStringList{QStringLiteral("diff")} + arguments + root());
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.out.isEmpty());
    QVERIFY2(result.err.startsWith(message.toUtf8()) && result.err.count('\n') == 1, result.err.constData());
}

void TestClosureDiff::diffWithoutDatabase()
{
    QVERIFY(QFile::rename(dbFile(), dbFile() + QStringLiteral(".away")));
    const CliRun result = runCli(QStringList{QStringLiteral("diff")} + root());
    QVERIFY(QFile::rename(dbFile() + QStringLiteral(".away"), dbFile()));
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.startsWith("nixos-status: booted: no Nix database: /nix/var/nix/db/db.sqlite"),
             result.err.constData());
    QCOMPARE(result.err.count('\n'), 1);
}

void TestClosureDiff::colourOnlyWhenAsked()
{
    const QStringList diff = QStringList{QStringLiteral("diff")} + root();
    QVERIFY(runCli(diff + QStringList{"--color=always"}).out.contains("\x1b[32mUpgraded (101)\x1b[0m"));
    QVERIFY(!runCli(diff).out.contains('\x1b')); // auto, and stdout is a pipe here
    QVERIFY(!runCli(QStringList{QStringLiteral("generations")} + root()).out.contains('\x1b'));
    QVERIFY(runCli(QStringList{QStringLiteral("generations"), "--color=always"} + root()).out.contains("\x1b[1m"));
}

void TestClosureDiff::generations()
{
    const CliRun result = runCli(QStringList{QStringLiteral("generations")} + root());
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QVERIFY(result.err.isEmpty());
    const QStringList lines = QString::fromUtf8(result.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QVERIFY2(lines[0].startsWith(QLatin1String("Generation  Built             NixOS version")), qPrintable(lines[0]));
    const QString day = QDateTime::currentDateTime().addDays(-1).toString(QStringLiteral("yyyy-MM-dd"));
    static const QRegularExpression row(QStringLiteral(
        R"(^         3  (\S+) \d\d:\d\d  24\.11\.20241203\.abcdef2  6\.6\.60  gaming           2,0\d\d paths, [0-9.]+ [KM]iB  current, default$)"));
    const QRegularExpressionMatch match = row.match(lines[1]);
    QVERIFY2(match.hasMatch(), qPrintable(lines[1]));
    QCOMPARE(match.captured(1), day);
    QVERIFY2(lines[2].startsWith(QLatin1String("         2  ")) && lines[2].endsWith(QLatin1String("iB  booted")),
             qPrintable(lines[2]));
    QVERIFY2(lines[3].startsWith(QLatin1String("         1  ")) && lines[3].endsWith(QLatin1String("iB")), qPrintable(lines[3]));
}

void TestClosureDiff::generationsJson()
{
    const CliRun result = runCli(QStringList{QStringLiteral("generations"), QStringLiteral("--json")} + root());
    QCOMPARE(result.exitCode, 0);
    const QJsonObject json = QJsonDocument::fromJson(result.out).object();
    QCOMPARE(json["closure_error"], QJsonValue());
    const QJsonArray generations = json["generations"].toArray();
    QCOMPARE(generations.size(), 3);
    NixDatabase database{SystemLayout(m_tree->root())};
    for (int i = 0; i < 3; ++i) {
        const QJsonObject generation = generations[i].toObject();
        const int number = 3 - i;
        QCOMPARE(generation["number"].toInt(), number);
        QCOMPARE(generation["store_path"].toString(), m_systems[number - 1]);
        QCOMPARE(generation["nixos_version"].toString(), QStringLiteral("24.11.202412%1.abcdef%2").arg(number, 2, 10, QLatin1Char('0')).arg(number - 1));
        QCOMPARE(generation["kernel"].toString(), QStringLiteral("6.6.%1").arg(57 + number));
        QCOMPARE(generation["specialisations"].toArray(), QJsonArray{"gaming"});
        QCOMPARE(generation["current"].toBool(), number == 3);
        QCOMPARE(generation["booted"].toBool(), number == 2);
        QCOMPARE(generation["default"].toBool(), number == 3);
        QVERIFY(qAbs(generation["created"].toInteger() - (QDateTime::currentSecsSinceEpoch() - (4 - number) * Day)) < 600);
        QString error;
        const std::optional<StoreClosure> closure = database.closure(m_systems[number - 1], &error);
        QVERIFY(closure);
        QCOMPARE(generation["closure"]["path_count"].toInteger(), closure->pathCount());
        QCOMPARE(generation["closure"]["size_bytes"].toInteger(), *closure->sizeBytes());
    }
}

void TestClosureDiff::generationsWithoutDatabase()
{
    QVERIFY(QFile::rename(dbFile(), dbFile() + QStringLiteral(".away")));
    const CliRun result = runCli(QStringList{QStringLiteral("generations")} + root());
    const CliRun json = runCli(QStringList{QStringLiteral("generations"), QStringLiteral("--json")} + root());
    QVERIFY(QFile::rename(dbFile() + QStringLiteral(".away"), dbFile()));
    QCOMPARE(result.exitCode, 0); // the list without closures
    QVERIFY2(result.out.contains("  gaming           unknown  current, default\n"), result.out.constData());
    QVERIFY2(result.err.startsWith("nixos-status: closures unknown: no Nix database: "), result.err.constData());
    const QJsonObject document = QJsonDocument::fromJson(json.out).object();
    QVERIFY(document["closure_error"].toString().startsWith(QLatin1String("no Nix database: ")));
    QCOMPARE(document["generations"][0]["closure"], QJsonValue());
    QCOMPARE(document["generations"][0]["kernel"].toString(), QStringLiteral("6.6.60"));
}

QTEST_GUILESS_MAIN(TestClosureDiff)
#include "tst_closurediff.moc"
