// SPDX-License-Identifier: MIT
#include "flakelock.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;

// Expected inputs are designated initializers naming only the fields that matter; the others
// keep FlakeInput's defaults on purpose, which GCC would otherwise flag one by one.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

Q_DECLARE_METATYPE(FlakeInput)

// Lets QCOMPARE show both sides of a mismatching input instead of "<unknown>".
char *toString(const FlakeInput &input)
{
    const QString text =
        u"{name=%1 node=%2 type=%3 owner=%4 repo=%5 ref=%6 rev=%7 url=%8 lastModified=%9 flake=%10}"_s
            .arg(input.name, input.node, input.type, input.owner, input.repo, input.ref, input.rev,
                 input.url, input.lastModified ? QString::number(*input.lastModified) : u"none"_s,
                 input.isFlake ? u"true"_s : u"false"_s);
    return qstrdup(text.toUtf8().constData());
}

namespace {

// Generous against a loaded CI machine; the parser needs well under a second for these.
// The ASan/UBSan build (scripts/sanitize.sh) runs them 3-5 times slower; the budget still
// catches a parser gone quadratic.
#if defined(__SANITIZE_ADDRESS__)
constexpr qint64 HugeInputBudgetMs = 60000;
#else
constexpr qint64 HugeInputBudgetMs = 10000;
#endif
constexpr qsizetype Megabyte = 1024 * 1024;

QByteArray readLock(const QString &fileName)
{
    QFile file(QStringLiteral(NIXOS_TEST_DATA) + u"/flake-locks/"_s + fileName);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// A lock from (node key, inputs JSON) pairs; "root" is the root, every other node pins the
// same GitHub source, so follows tests only spell out what they are about.
QByteArray lockOf(const QList<std::pair<QByteArray, QByteArray>> &nodes, int version = 7)
{
    QByteArray json =
        R"({"root": "root", "version": )" + QByteArray::number(version) + R"(, "nodes": {)";
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        const auto &[key, inputs] = nodes.at(i);
        json += (i ? ", \"" : "\"") + key + R"(": {"inputs": )" + inputs;
        if (key != "root")
            json += R"(, "locked": {"type": "github", "owner": "o", "repo": "r", "rev": "abc",
                      "narHash": "sha256-x"},
                      "original": {"type": "github", "owner": "o", "repo": "r"})";
        json += '}';
    }
    return json + "}}";
}

// A lock whose root has the single input "dep", locked by the given node JSON.
QByteArray lockWithDependency(const QByteArray &node, int version = 7)
{
    return R"({"root": "root", "version": )" + QByteArray::number(version) +
           R"(, "nodes": {"root": {"inputs": {"dep": "dep"}}, "dep": )" + node + "}}";
}

// A follows chain as long as `links`: link0 follows link1, ..., the last one names a node.
QByteArray followsChain(int links)
{
    QByteArray inputs = "{";
    for (int i = 0; i < links; ++i)
        inputs +=
            "\"link" + QByteArray::number(i) + "\": [\"link" + QByteArray::number(i + 1) + "\"], ";
    inputs += "\"link" + QByteArray::number(links) + "\": \"end\"}";
    return lockOf({{"root", inputs}, {"end", "{}"}});
}

// A valid lock of about `size` bytes spread over many nodes that all follow the root's nixpkgs.
QByteArray manyNodes(qsizetype size)
{
    QByteArray nodes;
    QByteArray rootInputs = R"("nixpkgs": "nixpkgs")";
    for (int i = 0; nodes.size() < size; ++i) {
        const QByteArray key = "n" + QByteArray::number(i);
        rootInputs += ", \"" + key + "\": \"" + key + '"';
        nodes += ", \"" + key + R"(": {"inputs": {"nixpkgs": ["nixpkgs"]},
            "locked": {"type": "github", "owner": "o", "repo": "r", "rev": "abc",
                       "lastModified": 1700000000},
            "original": {"type": "github", "owner": "o", "repo": "r"}})";
    }
    return R"({"root": "root", "version": 7, "nodes": {"root": {"inputs": {)" + rootInputs +
           R"(}}, "nixpkgs": {"locked": {"type": "github", "owner": "NixOS", "repo": "nixpkgs"},
                "original": {"type": "github", "owner": "NixOS", "repo": "nixpkgs"}})" +
           nodes + "}}";
}

QByteArray hugeInput(const QString &kind, qsizetype size)
{
    const QByteArray small = lockWithDependency(
        R"({"locked": {"type": "github", "owner": "o", "repo": "r"}, "original": {}})");
    if (kind == u"whitespace")
        return small + QByteArray(size, ' ');
    if (kind == u"string")
        return lockWithDependency(R"({"locked": {"type": "github", "owner": "o", "repo": "r",
            "narHash": ")" + QByteArray(size, 'x') +
                                  R"("}, "original": {}})");
    if (kind == u"nodes")
        return manyNodes(size);
    if (kind == u"nesting")
        return QByteArray(size, '[');
    if (kind == u"unterminated")
        return R"({"nodes": ")" + QByteArray(size, 'x');
    return {};
}

} // namespace

class TestFlakeLock : public QObject
{
    Q_OBJECT

private slots:
    void realLocks_data();
    void realLocks();
    void realLockInputs_data();
    void realLockInputs();
    void supportedVersions_data();
    void supportedVersions();
    void rejectedVersions_data();
    void rejectedVersions();
    void lockedTypes_data();
    void lockedTypes();
    void refPreference_data();
    void refPreference();
    void lastModified_data();
    void lastModified();
    void follows_data();
    void follows();
    void followsErrors_data();
    void followsErrors();
    void malformed_data();
    void malformed();
    void rootWithoutInputs();
    void rootUnderAnotherKey();
    void nullErrorPointer();
    void errorClearedOnSuccess();
    void hostileNamesKeepErrorShort();
    void deepFollowsChain();
    void hugeInputs_data();
    void hugeInputs();
};

void TestFlakeLock::realLocks_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("inputCount");
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("last");

    QTest::newRow("nixos-infra") << u"nixos-infra.lock"_s << 24 << u"agenix"_s << u"treefmt-nix"_s;
    QTest::newRow("keyruu-shinyflakes")
        << u"keyruu-shinyflakes.lock"_s << 38 << u"buymeaspezi"_s << u"zen-browser"_s;
}

void TestFlakeLock::realLocks()
{
    QFETCH(QString, file);
    QFETCH(int, inputCount);
    QFETCH(QString, first);
    QFETCH(QString, last);

    const QByteArray json = readLock(file);
    QVERIFY(!json.isEmpty());
    QString error;
    QElapsedTimer timer;
    timer.start();
    const std::optional<FlakeLock> lock = FlakeLock::parse(json, &error);
    qInfo("%s parsed in %lld us", qPrintable(file), timer.nsecsElapsed() / 1000);
    QVERIFY2(lock, qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(lock->version, 7);
    QCOMPARE(lock->inputs.size(), inputCount);
    QCOMPARE(lock->inputs.constFirst().name, first);
    QCOMPARE(lock->inputs.constLast().name, last);
    for (qsizetype i = 0; i < lock->inputs.size(); ++i) {
        const FlakeInput &input = lock->inputs.at(i);
        QVERIFY(!input.node.isEmpty());
        QVERIFY(!input.type.isEmpty());
        if (i > 0)
            QVERIFY(lock->inputs.at(i - 1).name < input.name);
    }
}

void TestFlakeLock::realLockInputs_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<FlakeInput>("expected");

    const QString infra = u"nixos-infra.lock"_s;
    const QString keyruu = u"keyruu-shinyflakes.lock"_s;
    QTest::newRow("infra github with original ref")
        << infra
        << FlakeInput{.name = u"nixpkgs"_s,
                      .node = u"nixpkgs"_s,
                      .type = u"github"_s,
                      .owner = u"NixOS"_s,
                      .repo = u"nixpkgs"_s,
                      .ref = u"nixos-26.05-small"_s,
                      .rev = u"33ddeb9e7c03403e17814e8aac1f7affe6d70b21"_s,
                      .lastModified = 1786245335};
    QTest::newRow("infra input under another node key")
        << infra
        << FlakeInput{.name = u"darwin"_s,
                      .node = u"darwin_2"_s,
                      .type = u"github"_s,
                      .owner = u"nix-darwin"_s,
                      .repo = u"nix-darwin"_s,
                      .ref = u"nix-darwin-26.05"_s,
                      .rev = u"c3e90c89649b07d1a96e4b9dd6cd0d6e44b91a74"_s,
                      .lastModified = 1783744694};
    QTest::newRow("infra file, not a flake, no lastModified")
        << infra
        << FlakeInput{
               .name = u"ai-robots-txt"_s,
               .node = u"ai-robots-txt"_s,
               .type = u"file"_s,
               .url =
                   u"https://github.com/ai-robots-txt/ai.robots.txt/raw/refs/heads/main/robots.json"_s,
               .isFlake = false};
    QTest::newRow("infra gitlab") << infra
                                  << FlakeInput{.name = u"simple-nixos-mailserver"_s,
                                                .node = u"simple-nixos-mailserver"_s,
                                                .type = u"gitlab"_s,
                                                .owner = u"simple-nixos-mailserver"_s,
                                                .repo = u"nixos-mailserver"_s,
                                                .ref = u"nixos-26.05"_s,
                                                .rev =
                                                    u"d357b9f048c5532ec81b0e0034c0b8463d5ddd46"_s,
                                                .lastModified = 1785198005};
    QTest::newRow("infra git with only a locked ref")
        << infra
        << FlakeInput{.name = u"nixocaine"_s,
                      .node = u"nixocaine"_s,
                      .type = u"git"_s,
                      .ref = u"refs/heads/main"_s,
                      .rev = u"6f27e771479281986b303e64515b07238a3694b6"_s,
                      .url = u"https://git.madhouse-project.org/iocaine/nixocaine"_s,
                      .lastModified = 1780214096};
    QTest::newRow("infra github, not a flake")
        << infra
        << FlakeInput{.name = u"ofborg-viewer"_s,
                      .node = u"ofborg-viewer"_s,
                      .type = u"github"_s,
                      .owner = u"NixOS"_s,
                      .repo = u"ofborg-viewer"_s,
                      .rev = u"bb4ad97f2bd431e113698fce3a4a988f5d713019"_s,
                      .lastModified = 1736528671,
                      .isFlake = false};
    QTest::newRow("keyruu nixpkgs is node nixpkgs_8")
        << keyruu
        << FlakeInput{.name = u"nixpkgs"_s,
                      .node = u"nixpkgs_8"_s,
                      .type = u"github"_s,
                      .owner = u"NixOS"_s,
                      .repo = u"nixpkgs"_s,
                      .ref = u"nixos-unstable"_s,
                      .rev = u"b7c2ada94fe99c15b0dbcf4d11fd7850b957a436"_s,
                      .lastModified = 1785967620};
    QTest::newRow("keyruu treefmt-nix is node treefmt-nix_6")
        << keyruu
        << FlakeInput{.name = u"treefmt-nix"_s,
                      .node = u"treefmt-nix_6"_s,
                      .type = u"github"_s,
                      .owner = u"numtide"_s,
                      .repo = u"treefmt-nix"_s,
                      .rev = u"ae7910970dddc408fe6ab1c8e4b277bb21d72dc0"_s,
                      .lastModified = 1785945821};
    QTest::newRow("keyruu gitlab with dir")
        << keyruu
        << FlakeInput{.name = u"firefox-addons"_s,
                      .node = u"firefox-addons"_s,
                      .type = u"gitlab"_s,
                      .owner = u"rycee"_s,
                      .repo = u"nur-expressions"_s,
                      .rev = u"63346775b7da9075a348d1dd3bcff9d8eaab9fb4"_s,
                      .lastModified = 1785988975};
    QTest::newRow("keyruu git") << keyruu
                                << FlakeInput{.name = u"buymeaspezi"_s,
                                              .node = u"buymeaspezi"_s,
                                              .type = u"git"_s,
                                              .ref = u"refs/heads/main"_s,
                                              .rev = u"986e605f88ca159cd177c2dd0ce099144200529c"_s,
                                              .url = u"https://git.keyruu.de/lucas/buymeaspezi"_s,
                                              .lastModified = 1786108336};
    QTest::newRow("keyruu github on a branch")
        << keyruu
        << FlakeInput{.name = u"home-manager"_s,
                      .node = u"home-manager"_s,
                      .type = u"github"_s,
                      .owner = u"nix-community"_s,
                      .repo = u"home-manager"_s,
                      .ref = u"master"_s,
                      .rev = u"7834e82588860aaf780cec1366524456a70898d7"_s,
                      .lastModified = 1786031233};
}

void TestFlakeLock::realLockInputs()
{
    QFETCH(QString, file);
    QFETCH(FlakeInput, expected);

    QString error;
    const std::optional<FlakeLock> lock = FlakeLock::parse(readLock(file), &error);
    QVERIFY2(lock, qPrintable(error));
    const auto found = std::find_if(lock->inputs.cbegin(), lock->inputs.cend(),
                                    [&](const FlakeInput &i) { return i.name == expected.name; });
    QVERIFY(found != lock->inputs.cend());
    QCOMPARE(*found, expected);
}

void TestFlakeLock::supportedVersions_data()
{
    QTest::addColumn<int>("version");

    QTest::newRow("5") << 5;
    QTest::newRow("6") << 6;
    QTest::newRow("7") << 7;
}

void TestFlakeLock::supportedVersions()
{
    QFETCH(int, version);

    const QByteArray json = lockOf(
        {{"root", R"({"nixpkgs": "nixpkgs", "utils": ["nixpkgs"]})"}, {"nixpkgs", "{}"}}, version);
    QString error;
    const std::optional<FlakeLock> lock = FlakeLock::parse(json, &error);
    QVERIFY2(lock, qPrintable(error));
    QCOMPARE(lock->version, version);
    QCOMPARE(lock->inputs.size(), 2);
    QCOMPARE(lock->inputs.at(1).name, u"utils"_s);
    QCOMPARE(lock->inputs.at(1).node, u"nixpkgs"_s);
}

void TestFlakeLock::rejectedVersions_data()
{
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<QString>("expectedError");

    const QString unsupported = u"unsupported flake.lock version %1 (supported: 5 to 7)"_s;
    QTest::newRow("4") << QByteArray("4") << unsupported.arg(4);
    QTest::newRow("8") << QByteArray("8") << unsupported.arg(8);
    QTest::newRow("0") << QByteArray("0") << unsupported.arg(0);
    QTest::newRow("-7") << QByteArray("-7") << unsupported.arg(-7);
    QTest::newRow("7.5") << QByteArray("7.5") << u"flake.lock \"version\" is not an integer"_s;
    QTest::newRow("string") << QByteArray("\"7\"") << u"flake.lock \"version\" is not an integer"_s;
    QTest::newRow("null") << QByteArray("null") << u"flake.lock \"version\" is not an integer"_s;
}

void TestFlakeLock::rejectedVersions()
{
    QFETCH(QByteArray, version);
    QFETCH(QString, expectedError);

    const QByteArray json =
        R"({"nodes": {"root": {}}, "root": "root", "version": )" + version + '}';
    QString error;
    QVERIFY(!FlakeLock::parse(json, &error));
    QCOMPARE(error, expectedError);
}

void TestFlakeLock::lockedTypes_data()
{
    QTest::addColumn<QByteArray>("node");
    QTest::addColumn<FlakeInput>("expected");

    QTest::newRow("github") << QByteArray(R"({
        "locked": {"type": "github", "owner": "NixOS", "repo": "nixpkgs", "rev": "r1",
                   "lastModified": 1700000001, "narHash": "sha256-a"},
        "original": {"type": "github", "owner": "NixOS", "repo": "nixpkgs",
                     "ref": "nixos-unstable"}})")
                            << FlakeInput{.name = u"dep"_s,
                                          .node = u"dep"_s,
                                          .type = u"github"_s,
                                          .owner = u"NixOS"_s,
                                          .repo = u"nixpkgs"_s,
                                          .ref = u"nixos-unstable"_s,
                                          .rev = u"r1"_s,
                                          .lastModified = 1700000001};
    QTest::newRow("gitlab") << QByteArray(R"({
        "locked": {"type": "gitlab", "owner": "group", "repo": "project", "rev": "r2",
                   "host": "gitlab.example.org", "lastModified": 1700000002},
        "original": {"type": "gitlab", "owner": "group", "repo": "project",
                     "host": "gitlab.example.org"}})")
                            << FlakeInput{.name = u"dep"_s,
                                          .node = u"dep"_s,
                                          .type = u"gitlab"_s,
                                          .owner = u"group"_s,
                                          .repo = u"project"_s,
                                          .rev = u"r2"_s,
                                          .lastModified = 1700000002};
    QTest::newRow("sourcehut") << QByteArray(R"({
        "locked": {"type": "sourcehut", "owner": "~user", "repo": "tool", "rev": "r3",
                   "lastModified": 1700000003},
        "original": {"type": "sourcehut", "owner": "~user", "repo": "tool", "ref": "main"}})")
                               << FlakeInput{.name = u"dep"_s,
                                             .node = u"dep"_s,
                                             .type = u"sourcehut"_s,
                                             .owner = u"~user"_s,
                                             .repo = u"tool"_s,
                                             .ref = u"main"_s,
                                             .rev = u"r3"_s,
                                             .lastModified = 1700000003};
    QTest::newRow("git") << QByteArray(R"({
        "locked": {"type": "git", "url": "https://git.example.org/x.git", "rev": "r4",
                   "ref": "refs/heads/main", "revCount": 12, "lastModified": 1700000004},
        "original": {"type": "git", "url": "https://git.example.org/x.git"}})")
                         << FlakeInput{.name = u"dep"_s,
                                       .node = u"dep"_s,
                                       .type = u"git"_s,
                                       .ref = u"refs/heads/main"_s,
                                       .rev = u"r4"_s,
                                       .url = u"https://git.example.org/x.git"_s,
                                       .lastModified = 1700000004};
    QTest::newRow("tarball") << QByteArray(R"({
        "locked": {"type": "tarball", "url": "https://example.org/pinned.tar.xz",
                   "lastModified": 1700000005},
        "original": {"type": "tarball", "url": "https://example.org/latest.tar.xz"}})")
                             << FlakeInput{.name = u"dep"_s,
                                           .node = u"dep"_s,
                                           .type = u"tarball"_s,
                                           .url = u"https://example.org/pinned.tar.xz"_s,
                                           .lastModified = 1700000005};
    QTest::newRow("file") << QByteArray(R"({"flake": false,
        "locked": {"type": "file", "url": "https://example.org/data.json"},
        "original": {"type": "file", "url": "https://example.org/data.json"}})")
                          << FlakeInput{.name = u"dep"_s,
                                        .node = u"dep"_s,
                                        .type = u"file"_s,
                                        .url = u"https://example.org/data.json"_s,
                                        .isFlake = false};
    QTest::newRow("path") << QByteArray(R"({
        "locked": {"type": "path", "path": "/nix/store/abc-source", "lastModified": 1700000007},
        "original": {"type": "path", "path": "/home/me/src/dep"}})")
                          << FlakeInput{.name = u"dep"_s,
                                        .node = u"dep"_s,
                                        .type = u"path"_s,
                                        .url = u"/nix/store/abc-source"_s,
                                        .lastModified = 1700000007};
    QTest::newRow("indirect, id in locked") << QByteArray(R"({
        "locked": {"type": "indirect", "id": "nixpkgs"},
        "original": {"type": "indirect", "id": "nixpkgs", "ref": "nixos-24.05"}})")
                                            << FlakeInput{.name = u"dep"_s,
                                                          .node = u"dep"_s,
                                                          .type = u"indirect"_s,
                                                          .ref = u"nixos-24.05"_s,
                                                          .url = u"nixpkgs"_s};
    QTest::newRow("indirect, id only in original")
        << QByteArray(R"({
        "locked": {"type": "indirect"}, "original": {"type": "indirect", "id": "flake-utils"}})")
        << FlakeInput{
               .name = u"dep"_s, .node = u"dep"_s, .type = u"indirect"_s, .url = u"flake-utils"_s};
    QTest::newRow("unknown fetcher keeps its url")
        << QByteArray(R"({
        "locked": {"type": "hg", "url": "https://hg.example.org/repo", "rev": "r9"},
        "original": {"type": "hg", "url": "https://hg.example.org/repo"}})")
        << FlakeInput{.name = u"dep"_s,
                      .node = u"dep"_s,
                      .type = u"hg"_s,
                      .rev = u"r9"_s,
                      .url = u"https://hg.example.org/repo"_s};
}

void TestFlakeLock::lockedTypes()
{
    QFETCH(QByteArray, node);
    QFETCH(FlakeInput, expected);

    QString error;
    const std::optional<FlakeLock> lock = FlakeLock::parse(lockWithDependency(node), &error);
    QVERIFY2(lock, qPrintable(error));
    QCOMPARE(lock->inputs.size(), 1);
    QCOMPARE(lock->inputs.constFirst(), expected);
}

void TestFlakeLock::refPreference_data()
{
    QTest::addColumn<QByteArray>("node");
    QTest::addColumn<QString>("ref");

    QTest::newRow("original wins over locked") << QByteArray(R"({
        "locked": {"type": "git", "url": "u", "ref": "refs/heads/main"},
        "original": {"type": "git", "url": "u", "ref": "release"}})")
                                               << u"release"_s;
    QTest::newRow("locked when original has none") << QByteArray(R"({
        "locked": {"type": "git", "url": "u", "ref": "refs/heads/main"},
        "original": {"type": "git", "url": "u"}})") << u"refs/heads/main"_s;
    QTest::newRow("neither") << QByteArray(R"({
        "locked": {"type": "git", "url": "u"}, "original": {"type": "git", "url": "u"}})")
                             << QString();
}

void TestFlakeLock::refPreference()
{
    QFETCH(QByteArray, node);
    QFETCH(QString, ref);

    QString error;
    const std::optional<FlakeLock> lock = FlakeLock::parse(lockWithDependency(node), &error);
    QVERIFY2(lock, qPrintable(error));
    QCOMPARE(lock->inputs.constFirst().ref, ref);
}

void TestFlakeLock::lastModified_data()
{
    QTest::addColumn<QByteArray>("field");
    QTest::addColumn<bool>("present");
    QTest::addColumn<qint64>("value");

    QTest::newRow("absent") << QByteArray() << false << qint64(0);
    QTest::newRow("zero is a value, not absence")
        << QByteArray(R"(, "lastModified": 0)") << true << qint64(0);
    QTest::newRow("seconds") << QByteArray(R"(, "lastModified": 1786245335)") << true
                             << qint64(1786245335);
    QTest::newRow("beyond 32 bits")
        << QByteArray(R"(, "lastModified": 4102444800)") << true << qint64(4102444800);
}

void TestFlakeLock::lastModified()
{
    QFETCH(QByteArray, field);
    QFETCH(bool, present);
    QFETCH(qint64, value);

    const QByteArray node = R"({"locked": {"type": "file", "url": "u")" + field +
                            R"(}, "original": {"type": "file", "url": "u"}})";
    QString error;
    const std::optional<FlakeLock> lock = FlakeLock::parse(lockWithDependency(node), &error);
    QVERIFY2(lock, qPrintable(error));
    const std::optional<qint64> lastModified = lock->inputs.constFirst().lastModified;
    QCOMPARE(lastModified.has_value(), present);
    if (present)
        QCOMPARE(*lastModified, value);
}

void TestFlakeLock::follows_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("node");

    QTest::newRow("one step") << lockOf({{"root", R"({"a": ["b"], "b": "nb"})"}, {"nb", "{}"}})
                              << u"a"_s << u"nb"_s;
    QTest::newRow("into another input")
        << lockOf({{"root", R"({"hm": "home-manager", "pkgs": ["hm", "nixpkgs"]})"},
                   {"home-manager", R"({"nixpkgs": "nixpkgs_2"})"},
                   {"nixpkgs_2", "{}"}})
        << u"pkgs"_s << u"nixpkgs_2"_s;
    // a -> b/x, where b's x follows c/y, where c's y follows d: three follows in a row.
    QTest::newRow("chain of three follows")
        << lockOf({{"root", R"({"a": ["b", "x"], "b": "nb", "c": "nc", "d": "nd"})"},
                   {"nb", R"({"x": ["c", "y"]})"},
                   {"nc", R"({"y": ["d"]})"},
                   {"nd", "{}"}})
        << u"a"_s << u"nd"_s;
    QTest::newRow("root inputs following each other")
        << lockOf({{"root", R"({"a": ["b"], "b": ["c"], "c": ["d"], "d": "nd"})"}, {"nd", "{}"}})
        << u"a"_s << u"nd"_s;
    QTest::newRow("path through an input that follows the root flake")
        << lockOf({{"root", R"({"a": ["x", "self", "b"], "b": "nb", "x": "nx"})"},
                   {"nx", R"({"self": []})"},
                   {"nb", "{}"}})
        << u"a"_s << u"nb"_s;
    QTest::newRow("node inputs referring back to each other are no cycle")
        << lockOf({{"root", R"({"a": "na"})"}, {"na", R"({"b": "nb"})"}, {"nb", R"({"a": "na"})"}})
        << u"a"_s << u"na"_s;
}

void TestFlakeLock::follows()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, input);
    QFETCH(QString, node);

    QString error;
    const std::optional<FlakeLock> lock = FlakeLock::parse(json, &error);
    QVERIFY2(lock, qPrintable(error));
    const auto found = std::find_if(lock->inputs.cbegin(), lock->inputs.cend(),
                                    [&](const FlakeInput &i) { return i.name == input; });
    QVERIFY(found != lock->inputs.cend());
    QCOMPARE(found->node, node);
}

void TestFlakeLock::followsErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expectedError");

    QTest::newRow("follows itself")
        << lockOf({{"root", R"({"a": ["a"]})"}}) << u"input \"a\" follows a cycle: a -> a"_s;
    QTest::newRow("two inputs follow each other")
        << lockOf({{"root", R"({"a": ["b"], "b": ["a"]})"}})
        << u"input \"a\" follows a cycle: a -> b -> a"_s;
    QTest::newRow("cycle inside another node")
        << lockOf({{"root", R"({"a": ["n", "x"], "n": "nn"})"},
                   {"nn", R"({"x": ["n", "y"], "y": ["n", "x"]})"}})
        << u"input \"a\" follows a cycle: n/x -> n/y -> n/x"_s;
    QTest::newRow("cycle below the root inputs")
        << lockOf({{"root", R"({"b": "nb"})"}, {"nb", R"({"x": ["b", "x"]})"}})
        << u"input \"x\" of node \"nb\" follows a cycle: nb/x -> b/x"_s;
    QTest::newRow("long cycle is abbreviated")
        << lockOf({{"root", R"({"a": ["b"], "b": ["c"], "c": ["d"], "d": ["e"], "e": ["f"],
                              "f": ["g"], "g": ["h"], "h": ["i"], "i": ["a"]})"}})
        << u"input \"a\" follows a cycle: a -> b -> c -> d -> ... -> g -> h -> i -> a"_s;
    QTest::newRow("missing root input") << lockOf({{"root", R"({"a": ["nope"]})"}})
                                        << u"input \"a\" follows a missing input \"nope\""_s;
    QTest::newRow("missing input of an input")
        << lockOf({{"root", R"({"a": ["hm", "nixpkgs"], "hm": "home-manager"})"},
                   {"home-manager", "{}"}})
        << u"input \"a\" follows a missing input \"hm/nixpkgs\""_s;
    QTest::newRow("missing input at the end of a chain")
        << lockOf({{"root", R"({"a": ["b"], "b": ["c", "x"], "c": "nc"})"}, {"nc", "{}"}})
        << u"input \"a\" follows a missing input \"c/x\""_s;
    QTest::newRow("dangling follows below the root inputs")
        << lockOf({{"root", R"({"b": "nb"})"}, {"nb", R"({"x": ["gone"]})"}})
        << u"input \"x\" of node \"nb\" follows a missing input \"gone\""_s;
    QTest::newRow("missing node") << lockOf({{"root", R"({"a": "ghost"})"}})
                                  << u"input \"a\" refers to missing node \"ghost\""_s;
    QTest::newRow("missing node below the root")
        << lockOf({{"root", R"({"a": "na"})"}, {"na", R"({"b": "ghost"})"}})
        << u"input \"b\" of node \"na\" refers to missing node \"ghost\""_s;
    QTest::newRow("empty follows")
        << lockOf({{"root", R"({"a": []})"}}) << u"input \"a\" follows the root flake"_s;
    QTest::newRow("follows chain ending at the root")
        << lockOf({{"root", R"({"a": ["b"], "b": []})"}})
        << u"input \"a\" follows the root flake"_s;
}

void TestFlakeLock::followsErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expectedError);

    QString error;
    QVERIFY(!FlakeLock::parse(json, &error));
    QCOMPARE(error, expectedError);
}

void TestFlakeLock::malformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expectedError");
    QTest::addColumn<bool>("exact"); // Qt words JSON syntax errors; only their start is ours

    const auto row = [](const char *name, const QByteArray &json, const QString &error,
                        bool exact = true) { QTest::newRow(name) << json << error << exact; };
    const QString notJson = u"flake.lock is not valid JSON: "_s;
    const auto node = [](const QByteArray &body) { return lockWithDependency(body); };

    row("empty", QByteArray(), u"flake.lock is empty"_s);
    row("garbage bytes", QByteArray("\x00\xff\xfe\x01garbage", 11), notJson, false);
    row("only whitespace", QByteArray("  \n\t "), notJson, false);
    row("truncated", lockOf({{"root", "{}"}}).chopped(5), notJson, false);
    row("trailing garbage", lockOf({{"root", "{}"}}) + "}", notJson, false);
    row("invalid JSON names its offset", QByteArray(R"({"version": 7, oops})"),
        u"flake.lock is not valid JSON: unterminated object at offset 16"_s);
    row("array", QByteArray(R"([{"version": 7}])"), u"flake.lock is not a JSON object"_s);
    row("empty object", QByteArray("{}"), u"flake.lock has no \"version\""_s);
    row("no nodes", QByteArray(R"({"root": "root", "version": 7})"),
        u"flake.lock has no \"nodes\""_s);
    row("nodes is an array", QByteArray(R"({"nodes": [], "root": "root", "version": 7})"),
        u"flake.lock \"nodes\" is not an object"_s);
    row("no root", QByteArray(R"({"nodes": {"root": {}}, "version": 7})"),
        u"flake.lock has no \"root\""_s);
    row("root is a number", QByteArray(R"({"nodes": {"root": {}}, "root": 1, "version": 7})"),
        u"flake.lock \"root\" is not a string"_s);
    row("root names a missing node",
        QByteArray(R"({"nodes": {"root": {}}, "root": "top", "version": 7})"),
        u"root node \"top\" does not exist"_s);
    row("node is a string", QByteArray(R"({"nodes": {"root": "x"}, "root": "root", "version": 7})"),
        u"node \"root\" is not an object"_s);
    row("inputs is an array", lockOf({{"root", "[]"}}),
        u"node \"root\": \"inputs\" is not an object"_s);
    row("input is a number", lockOf({{"root", R"({"a": 1})"}}),
        u"input \"a\" is neither a node name nor a follows path"_s);
    row("follows path holds a number", lockOf({{"root", R"({"a": ["b", 2]})"}}),
        u"input \"a\" has a follows path with a non-string step"_s);
    row("no locked", node(R"({"original": {}})"), u"node \"dep\" has no \"locked\" attribute"_s);
    row("locked is a string", node(R"({"locked": "github", "original": {}})"),
        u"node \"dep\": \"locked\" is not an object"_s);
    row("no original", node(R"({"locked": {"type": "github", "owner": "o", "repo": "r"}})"),
        u"node \"dep\" has no \"original\" attribute"_s);
    row("no type", node(R"({"locked": {"owner": "o"}, "original": {}})"),
        u"node \"dep\" has no string \"locked.type\""_s);
    row("type is a number", node(R"({"locked": {"type": 3}, "original": {}})"),
        u"node \"dep\" has no string \"locked.type\""_s);
    row("flake is a string",
        node(R"({"flake": "no", "locked": {"type": "file", "url": "u"}, "original": {}})"),
        u"node \"dep\": \"flake\" is not a boolean"_s);
    row("lastModified is a string",
        node(R"({"locked": {"type": "file", "url": "u", "lastModified": "1700000000"},
                 "original": {}})"),
        u"node \"dep\": \"locked.lastModified\" is not an integer"_s);
    row("lastModified is fractional",
        node(R"({"locked": {"type": "file", "url": "u", "lastModified": 1.5}, "original": {}})"),
        u"node \"dep\": \"locked.lastModified\" is not an integer"_s);
    row("github without owner",
        node(R"({"locked": {"type": "github", "repo": "r"}, "original": {}})"),
        u"node \"dep\" has no \"locked.owner\""_s);
    row("gitlab with empty repo",
        node(R"({"locked": {"type": "gitlab", "owner": "o", "repo": ""}, "original": {}})"),
        u"node \"dep\" has no \"locked.repo\""_s);
    row("git without url", node(R"({"locked": {"type": "git", "rev": "r"}, "original": {}})"),
        u"node \"dep\" has no \"locked.url\""_s);
    row("path without path", node(R"({"locked": {"type": "path"}, "original": {}})"),
        u"node \"dep\" has no \"locked.path\""_s);
    row("indirect without id", node(R"({"locked": {"type": "indirect"}, "original": {}})"),
        u"node \"dep\" is indirect but has no \"id\""_s);
    row("rev is a number",
        node(R"({"locked": {"type": "git", "url": "u", "rev": 5}, "original": {}})"),
        u"node \"dep\": \"locked.rev\" is not a string"_s);
    row("original ref is an object",
        node(R"({"locked": {"type": "git", "url": "u"}, "original": {"ref": {}}})"),
        u"node \"dep\": \"original.ref\" is not a string"_s);
}

void TestFlakeLock::malformed()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expectedError);
    QFETCH(bool, exact);

    QString error;
    QVERIFY(!FlakeLock::parse(json, &error));
    QVERIFY2(!error.contains(u'\n'), qPrintable(error));
    if (exact)
        QCOMPARE(error, expectedError);
    else
        QVERIFY2(error.startsWith(expectedError), qPrintable(error));
}

void TestFlakeLock::rootWithoutInputs()
{
    QString error;
    const std::optional<FlakeLock> lock =
        FlakeLock::parse(R"({"nodes": {"root": {}}, "root": "root", "version": 7})", &error);
    QVERIFY2(lock, qPrintable(error));
    QCOMPARE(lock->version, 7);
    QVERIFY(lock->inputs.isEmpty());
}

void TestFlakeLock::rootUnderAnotherKey()
{
    const QByteArray json = R"({"version": 7, "root": "self", "nodes": {
        "self": {"inputs": {"a": "root", "b": ["a"]}},
        "root": {"locked": {"type": "path", "path": "/p"}, "original": {"type": "path", "path": "/p"}}
    }})";
    QString error;
    const std::optional<FlakeLock> lock = FlakeLock::parse(json, &error);
    QVERIFY2(lock, qPrintable(error));
    QCOMPARE(lock->inputs.size(), 2);
    QCOMPARE(lock->inputs.at(0).node, u"root"_s);
    QCOMPARE(lock->inputs.at(1).node, u"root"_s);
    QCOMPARE(lock->inputs.at(1).url, u"/p"_s);
}

void TestFlakeLock::nullErrorPointer()
{
    QVERIFY(!FlakeLock::parse("not json", nullptr));
    QVERIFY(!FlakeLock::parse(lockOf({{"root", R"({"a": ["a"]})"}}), nullptr));
    QVERIFY(FlakeLock::parse(lockOf({{"root", "{}"}}), nullptr));
}

void TestFlakeLock::errorClearedOnSuccess()
{
    QString error = u"stale"_s;
    QVERIFY(FlakeLock::parse(lockOf({{"root", "{}"}}), &error));
    QVERIFY(error.isEmpty());
}

void TestFlakeLock::hostileNamesKeepErrorShort()
{
    const QByteArray name = "evil\\nname" + QByteArray(100000, 'x');
    QString error;
    QVERIFY(!FlakeLock::parse(lockOf({{"root", R"({")" + name + R"(": []})"}}), &error));
    QVERIFY2(error.startsWith(u"input \"evil?name"_s), qPrintable(error));
    QVERIFY2(error.endsWith(u"...\" follows the root flake"_s), qPrintable(error));
    QVERIFY(error.size() < 200);
}

void TestFlakeLock::deepFollowsChain()
{
    // Deep enough that resolving it by recursion would have to be bounded to survive.
    constexpr int Links = 200000;
    QString error;
    QElapsedTimer timer;
    timer.start();
    const std::optional<FlakeLock> lock = FlakeLock::parse(followsChain(Links), &error);
    QVERIFY2(lock, qPrintable(error));
    QVERIFY(timer.elapsed() < HugeInputBudgetMs);
    QCOMPARE(lock->inputs.size(), Links + 1);
    for (const FlakeInput &input : lock->inputs)
        QCOMPARE(input.node, u"end"_s);
}

void TestFlakeLock::hugeInputs_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<qint64>("size");
    QTest::addColumn<bool>("parses");

    QTest::newRow("lock padded with 50 MB of whitespace")
        << u"whitespace"_s << 50 * Megabyte << true;
    QTest::newRow("lock with a 50 MB string") << u"string"_s << 50 * Megabyte << true;
    QTest::newRow("50 MB of nested arrays") << u"nesting"_s << 50 * Megabyte << false;
    QTest::newRow("50 MB unterminated string") << u"unterminated"_s << 50 * Megabyte << false;
    // Real locks stay below 100 kB; 16 MB of nodes (about 65000) shows the cost stays linear
    // without making the suite slow in unoptimised builds.
    QTest::newRow("16 MB of nodes with follows") << u"nodes"_s << 16 * Megabyte << true;
}

void TestFlakeLock::hugeInputs()
{
    QFETCH(QString, kind);
    QFETCH(qint64, size);
    QFETCH(bool, parses);

    const QByteArray json = hugeInput(kind, size);
    QVERIFY(json.size() >= size);
    QString error;
    QElapsedTimer timer;
    timer.start();
    const std::optional<FlakeLock> lock = FlakeLock::parse(json, &error);
    const qint64 elapsed = timer.elapsed();
    qInfo("%s: %lld ms", qPrintable(kind), elapsed);
    QVERIFY2(elapsed < HugeInputBudgetMs, qPrintable(QString::number(elapsed)));
    QCOMPARE(lock.has_value(), parses);
    QCOMPARE(error.isEmpty(), parses);
    QVERIFY(!error.contains(u'\n'));
    if (lock)
        QVERIFY(!lock->inputs.isEmpty());
}

QTEST_GUILESS_MAIN(TestFlakeLock)
#include "tst_flakelock.moc"
