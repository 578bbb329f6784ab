// SPDX-License-Identifier: MIT
// No secret leaves the machine: a lock whose inputs carry credentials in every form, read by
// the real exporter and the real CLI; every output is searched for every secret, and each
// input must still be recognisable by its host and path.
#include "credentialslock.h"
#include "exporterprocess.h"
#include "fakehttpserver.h"
#include "fixturetree.h"
#include "statusjson.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

namespace {
const QString CliBinary = QStringLiteral(NIXOS_STATUS_BINARY);

// A machine running generation 3 from a flake whose lock is the credentials lock.
void buildTree(FixtureTree &tree)
{
    FixtureTree::SystemSpec spec;
    spec.name = QStringLiteral("private");
    const QString system = tree.addSystem(spec);
    tree.addGeneration(3, system, QDateTime::currentSecsSinceEpoch() - 3600);
    tree.setDefaultGeneration(3);
    tree.setCurrentSystem(system);
    tree.setBootedSystem(system);
    QFile lock(CredentialsLock::Path);
    QVERIFY2(lock.open(QIODevice::ReadOnly), qPrintable(lock.errorString()));
    tree.writeFile(QStringLiteral("/etc/nixos/flake.lock"), lock.readAll());
}

QByteArray runCli(const QStringList &arguments)
{
    // Waits in an event loop: the fake exporter it may talk to lives in this thread.
    QProcess process;
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(CliBinary, arguments);
    if (!finished.wait(30'000))
        return "nixos-status did not finish";
    return process.readAllStandardOutput() + process.readAllStandardError();
}
} // namespace

#define VERIFY_CLEAN(text)                                                                              \
    do {                                                                                                \
        const QList<QByteArray> found = CredentialsLock::secretsIn(text);                               \
        QVERIFY2(found.isEmpty(), qPrintable(QStringLiteral("secrets shown: ") + QString::fromUtf8(found.join(", ")))); \
    } while (false)

#define VERIFY_RECOGNISABLE(text)                                                                       \
    do {                                                                                                \
        for (const QByteArray &part : CredentialsLock::Recognisable)                                    \
            QVERIFY2((text).contains(part), part.constData());                                          \
    } while (false)

class TestCredentials : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void metrics();
    void statusDocument();
    void cliTextAndJson();
    void cliRemote();
    void olderExporterIsCleanedOnArrival();
    void upgradeUrlInStatusAndLog();

private:
    FixtureTree m_tree;
    ExporterProcess m_exporter;
};

void TestCredentials::initTestCase()
{
    buildTree(m_tree);
    QVERIFY2(m_exporter.start({QStringLiteral("--root"), m_tree.root(), QStringLiteral("--collector.flake")}),
             qPrintable(m_exporter.error()));
}

void TestCredentials::metrics()
{
    const ExporterProcess::Reply reply = m_exporter.get(QStringLiteral("/metrics"));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.body.contains("nixos_flake_input_info{input=\"secret\""));
    VERIFY_CLEAN(reply.body);
    VERIFY_RECOGNISABLE(reply.body);
}

void TestCredentials::statusDocument()
{
    const ExporterProcess::Reply reply = m_exporter.get(QStringLiteral("/status"));
    QCOMPARE(reply.status, 200);
    VERIFY_CLEAN(reply.body);
    VERIFY_RECOGNISABLE(reply.body);
}

void TestCredentials::cliTextAndJson()
{
    const QByteArray text = runCli({QStringLiteral("--root"), m_tree.root(), QStringLiteral("--color=never")});
    QVERIFY2(text.contains("git.example.org/infra/secrets.git"), text.constData());
    VERIFY_CLEAN(text);
    const QByteArray json = runCli({QStringLiteral("--root"), m_tree.root(), QStringLiteral("--json")});
    VERIFY_CLEAN(json);
    VERIFY_RECOGNISABLE(json);
}

void TestCredentials::cliRemote()
{
    const QByteArray text = runCli({QStringLiteral("--remote"), QStringLiteral("127.0.0.1:%1").arg(m_exporter.port()),
                                    QStringLiteral("--color=never")});
    QVERIFY2(text.contains("git.example.org/infra/secrets.git"), text.constData());
    VERIFY_CLEAN(text);
}

// An exporter from before this cleaning serves the raw URLs and a message quoting one: the
// CLI cleans the document as it arrives.
void TestCredentials::olderExporterIsCleanedOnArrival()
{
    QJsonObject status = QJsonDocument::fromJson(m_exporter.get(QStringLiteral("/status")).body).object();
    QVERIFY(!status.isEmpty());
    QJsonObject flake = status[QStringLiteral("flake")].toObject();
    QJsonArray inputs;
    for (const QJsonValue &input : flake[QStringLiteral("inputs")].toArray()) {
        QJsonObject raw = input.toObject();
        if (raw[QStringLiteral("name")] == QLatin1String("secret"))
            raw[QStringLiteral("url")] = QStringLiteral("https://deploy:s3cr3tT0ken@git.example.org/infra/secrets.git");
        if (raw[QStringLiteral("name")] == QLatin1String("tok"))
            raw[QStringLiteral("url")] = QStringLiteral("https://api.example.org/archive.tar.gz?ref=main&access_token=glpat-XYZsecret");
        inputs.append(raw);
    }
    flake[QStringLiteral("inputs")] = inputs;
    status[QStringLiteral("flake")] = flake;
    QJsonObject assessment = status[QStringLiteral("assessment")].toObject();
    assessment[QStringLiteral("level")] = QStringLiteral("error");
    assessment[QStringLiteral("findings")] = QJsonArray{QJsonObject{
        {QStringLiteral("code"), QStringLiteral("source-failed")},
        {QStringLiteral("level"), QStringLiteral("error")},
        {QStringLiteral("message"), QStringLiteral("cannot read https://ghp_BareT0kenAbc123@github.com/acme/private.git")},
        {QStringLiteral("key"), QStringLiteral("source-failed:flake")}}};
    status[QStringLiteral("assessment")] = assessment;
    const QByteArray served = QJsonDocument(status).toJson();
    QVERIFY(!CredentialsLock::secretsIn(served).isEmpty());  // the premise: the old exporter leaks

    FakeHttpServer older;
    older.setAnswer({200, served, {{"Content-Type", "application/json"}}});
    const QByteArray text = runCli({QStringLiteral("--remote"), older.baseUrl(), QStringLiteral("--color=never")});
    QVERIFY2(text.contains("github.com/acme/private.git"), text.constData());
    VERIFY_CLEAN(text);
    const QByteArray json = runCli({QStringLiteral("--remote"), older.baseUrl(), QStringLiteral("--json")});
    QVERIFY2(json.contains("api.example.org/archive.tar.gz?ref=main&access_token=REDACTED"), json.constData());
    VERIFY_CLEAN(json);
}

// The upgrade check's URL, as a user may configure it with credentials: /status and the log
// line of the failed check show it without them.
void TestCredentials::upgradeUrlInStatusAndLog()
{
    FakeHttpServer channels;
    channels.setAnswer({500, "broken", {}});
    const QString url = QStringLiteral("http://mirror:UpgradeS3cret@127.0.0.1:%1/nixos-26.05/git-revision?token=UpgradeTok3n")
                            .arg(channels.port());
    ExporterProcess exporter;
    QVERIFY2(exporter.start({QStringLiteral("--root"), m_tree.root(), QStringLiteral("--collector.upgrade"),
                             QStringLiteral("--collector.upgrade.url=") + url}),
             qPrintable(exporter.error()));
    QTRY_VERIFY_WITH_TIMEOUT(channels.requestCount() >= 1, 10'000);
    QByteArray status;
    QTRY_VERIFY_WITH_TIMEOUT((status = exporter.get(QStringLiteral("/status")).body).contains("HTTP 500"), 10'000);
    QVERIFY2(status.contains("127.0.0.1:" + QByteArray::number(channels.port()) + "/nixos-26.05/git-revision?token=REDACTED"),
             status.constData());
    QVERIFY2(!status.contains("UpgradeS3cret") && !status.contains("UpgradeTok3n"), status.constData());

    QByteArray log = exporter.outputAfterPort();
    QTRY_VERIFY_WITH_TIMEOUT((log += exporter.process().readAllStandardError()).contains("collector upgrade failed"), 10'000);
    QVERIFY2(log.contains("/nixos-26.05/git-revision?token=REDACTED"), log.constData());
    QVERIFY2(!log.contains("UpgradeS3cret") && !log.contains("UpgradeTok3n"), log.constData());
}

QTEST_GUILESS_MAIN(TestCredentials)
#include "tst_credentials.moc"
