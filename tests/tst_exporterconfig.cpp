// SPDX-License-Identifier: MIT
#include "collector.h"
#include "commandline.h"
#include "exporterconfig.h"
#include "listenaddress.h"

#include <QFile>
#include <QTemporaryDir>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// The file name passed to loadYamlText; only used in messages, so any path shows whether the
// message names it.
const QString ConfigName = u"/etc/nixos-exporter/config.yml"_s;

// The example configuration from the documentation, verbatim.
const QByteArray DocumentedConfig = R"(listen_addr: ":9971"
collectors:
  generation:
    enabled: true
  flake:
    enabled: false
    lock_path: "/etc/nixos/flake.lock"
)";

bool sameConfig(const ExporterConfig &a, const ExporterConfig &b)
{
    return ListenAddress::join(a.listen) == ListenAddress::join(b.listen) &&
           a.collectors == b.collectors && a.lockPath == b.lockPath && a.root == b.root;
}

QString describe(const ExporterConfig &config)
{
    QStringList collectors;
    for (auto it = config.collectors.cbegin(); it != config.collectors.cend(); ++it)
        collectors.append(it.key() + (it.value() ? u"=on"_s : u"=off"_s));
    return u"listen=%1 collectors=[%2] lockPath=%3 root=%4"_s.arg(
        ListenAddress::join(config.listen), collectors.join(u", "_s), config.lockPath, config.root);
}

// Writes text to name inside dir and returns the full path.
QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        return {};
    return path;
}

QStringList argv(const QStringList &flags)
{
    return QStringList{u"nixos-exporter"_s} + flags;
}

} // namespace

class TestExporterConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // ListenAddress
    void listenAddress_data();
    void listenAddress();
    void badListenAddress_data();
    void badListenAddress();

    // ExporterConfig
    void defaults();
    void documentedFile();
    void yamlVariants_data();
    void yamlVariants();
    void laterLoadKeepsEarlierValues();
    void emptyDocuments_data();
    void emptyDocuments();
    void yamlErrors_data();
    void yamlErrors();
    void failedLoadChangesNothing();
    void loadYamlFromFile();
    void loadYamlMissingFile();

    // CommandLine
    void noFlags();
    void flags_data();
    void flags();
    void configFileThenFlags();
    void telemetryFlags();
    void badConfigFile();
    void flagErrors_data();
    void flagErrors();
    void help_data();
    void help();
    void version();
    void supportedReleases();
};

void TestExporterConfig::listenAddress_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QHostAddress>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("written");

    QTest::newRow(":9971") << u":9971"_s << QHostAddress(QHostAddress::Any) << 9971 << u":9971"_s;
    QTest::newRow("127.0.0.1:80") << u"127.0.0.1:80"_s << QHostAddress(u"127.0.0.1"_s) << 80
                                  << u"127.0.0.1:80"_s;
    QTest::newRow("[::1]:9971") << u"[::1]:9971"_s << QHostAddress(QHostAddress::LocalHostIPv6)
                                << 9971 << u"[::1]:9971"_s;
    QTest::newRow("localhost:9971") << u"localhost:9971"_s << QHostAddress(QHostAddress::LocalHost)
                                    << 9971 << u"127.0.0.1:9971"_s;
    QTest::newRow("0.0.0.0:9100") << u"0.0.0.0:9100"_s << QHostAddress(QHostAddress::AnyIPv4)
                                  << 9100 << u"0.0.0.0:9100"_s;
    QTest::newRow("[::]:9100") << u"[::]:9100"_s << QHostAddress(QHostAddress::AnyIPv6) << 9100
                               << u"[::]:9100"_s;
    QTest::newRow("[fd00::5]:1") << u"[fd00::5]:1"_s << QHostAddress(u"fd00::5"_s) << 1
                                 << u"[fd00::5]:1"_s;
    // Port 0 asks the kernel for a free port (tests use it); 65535 is the largest.
    QTest::newRow(":0") << u":0"_s << QHostAddress(QHostAddress::Any) << 0 << u":0"_s;
    QTest::newRow(":65535") << u":65535"_s << QHostAddress(QHostAddress::Any) << 65535
                            << u":65535"_s;
}

void TestExporterConfig::listenAddress()
{
    QFETCH(QString, text);
    QFETCH(QHostAddress, host);
    QFETCH(int, port);
    QFETCH(QString, written);

    QString error;
    const std::optional<ListenAddress> address = ListenAddress::parse(text, &error);
    QVERIFY2(address, qPrintable(error));
    QCOMPARE(address->host, host);
    QCOMPARE(int(address->port), port);
    QCOMPARE(address->toString(), written);

    // What toString() writes (the startup line, --help) must parse back to the same address.
    const std::optional<ListenAddress> again = ListenAddress::parse(written, &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->host, address->host);
    QCOMPARE(again->port, address->port);
}

void TestExporterConfig::badListenAddress_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("port only") << u"9971"_s;
    QTest::newRow("port too large") << u":99999"_s;
    QTest::newRow("port 65536") << u":65536"_s;
    QTest::newRow("port not a number") << u":abc"_s;
    QTest::newRow("no port after colon") << u":"_s;
    QTest::newRow("empty") << QString();
    QTest::newRow("negative port") << u":-1"_s;
    QTest::newRow("signed port") << u":+80"_s;
    QTest::newRow("space in port") << u": 80"_s;
    QTest::newRow("hex port") << u":0x50"_s;
    QTest::newRow("IPv6 without brackets") << u"::1:9971"_s;
    QTest::newRow("host name") << u"host.example:1"_s;
    QTest::newRow("bracketed IPv6 without port") << u"[::1]"_s;
    QTest::newRow("unclosed bracket") << u"[::1:9971"_s;
    QTest::newRow("IPv4 without port") << u"127.0.0.1"_s;
    // inet_aton shorthands that QHostAddress would take: "1" is 0.0.0.1, "127.1" is
    // 127.0.0.1. They are far more likely typos than intent.
    QTest::newRow("single number host") << u"1:9971"_s;
    QTest::newRow("short IPv4") << u"127.1:9971"_s;
    QTest::newRow("hex IPv4") << u"0x7f.0.0.1:9971"_s;
    QTest::newRow("bad IPv4") << u"256.0.0.1:80"_s;
}

void TestExporterConfig::badListenAddress()
{
    QFETCH(QString, text);

    QString error;
    QVERIFY(!ListenAddress::parse(text, &error));
    // The message quotes what the user wrote so they can find it.
    QVERIFY2(error.contains(u'"' + text + u'"'), qPrintable(error));
    QVERIFY2(!error.contains(u'\n'), qPrintable(error));
}

void TestExporterConfig::defaults()
{
    const ExporterConfig config;
    QCOMPARE(config.listen.first().host, QHostAddress(QHostAddress::Any));
    QCOMPARE(config.listen.first().port, quint16(9971));
    QCOMPARE(ListenAddress::join(config.listen), u":9971"_s);
    // Every registered collector has an entry, at its registered default.
    const QMap<QString, bool> expected{{u"generation"_s, true}, {u"flake"_s, false},
                                       {u"store"_s, false}, {u"upgrade"_s, false},
                                       {u"boot"_s, true}, {u"maintenance"_s, false}};
    QCOMPARE(config.collectors, expected);
    QCOMPARE(config.collectors.keys().size(), Collectors::names().size());
    QVERIFY(config.lockPath.isEmpty());
    QCOMPARE(config.root, u"/"_s);
}

void TestExporterConfig::documentedFile()
{
    ExporterConfig config;
    QString error;
    QVERIFY2(config.loadYamlText(DocumentedConfig, ConfigName, &error), qPrintable(error));
    QCOMPARE(config.listen.first().host, QHostAddress(QHostAddress::Any));
    QCOMPARE(config.listen.first().port, quint16(9971));
    QCOMPARE(config.collectors.value(u"generation"_s), true);
    QCOMPARE(config.collectors.value(u"flake"_s), false);
    QCOMPARE(config.lockPath, u"/etc/nixos/flake.lock"_s);
    QCOMPARE(config.root, u"/"_s);
}

void TestExporterConfig::yamlVariants_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("listen");
    QTest::addColumn<bool>("generation");
    QTest::addColumn<bool>("flake");
    QTest::addColumn<QString>("lockPath");

    QTest::newRow("flow style from the header") << QByteArray(R"(listen_addr: ":9971"
collectors:
  generation: { enabled: true }
  flake: { enabled: false, lock_path: "/etc/nixos/flake.lock" }
)") << u":9971"_s << true << false << u"/etc/nixos/flake.lock"_s;
    QTest::newRow("enable flake only") << QByteArray("collectors:\n  flake:\n    enabled: true\n")
                                       << u":9971"_s << true << true << QString();
    QTest::newRow("disable generation")
        << QByteArray("collectors:\n  generation:\n    enabled: false\n") << u":9971"_s << false
        << false << QString();
    QTest::newRow("listen only") << QByteArray("listen_addr: 127.0.0.1:9100\n")
                                 << u"127.0.0.1:9100"_s << true << false << QString();
    QTest::newRow("IPv6 listen") << QByteArray("listen_addr: \"[::1]:9100\"\n") << u"[::1]:9100"_s
                                 << true << false << QString();
    QTest::newRow("listen list") << QByteArray("listen_addr:\n  - \"127.0.0.1:9100\"\n  - \"[::1]:9100\"\n")
                                 << u"127.0.0.1:9100, [::1]:9100"_s << true << false << QString();
    QTest::newRow("listen flow list") << QByteArray("listen_addr: [\":9100\"]\n") << u":9100"_s
                                      << true << false << QString();
    QTest::newRow("lock path without enabled")
        << QByteArray("collectors:\n  flake:\n    lock_path: /srv/flake.lock\n") << u":9971"_s
        << true << false << u"/srv/flake.lock"_s;
    // A collector with nothing under it, or a collectors key whose entries are all commented
    // out, changes nothing.
    QTest::newRow("empty collector")
        << QByteArray("collectors:\n  flake:\n") << u":9971"_s << true << false << QString();
    QTest::newRow("empty collectors") << QByteArray("collectors:\n#  flake:\n#    enabled: true\n")
                                      << u":9971"_s << true << false << QString();
    QTest::newRow("comments and document marker")
        << QByteArray("# nixos-exporter\n---\nlisten_addr: \":9100\"  # all interfaces\n")
        << u":9100"_s << true << false << QString();
    // YAML 1.1 booleans, which yaml-cpp and most hand-written configs use.
    QTest::newRow("yes/no")
        << QByteArray("collectors:\n  generation: {enabled: no}\n  flake: {enabled: yes}\n")
        << u":9971"_s << false << true << QString();
    QTest::newRow("on/off")
        << QByteArray("collectors:\n  generation: {enabled: off}\n  flake: {enabled: on}\n")
        << u":9971"_s << false << true << QString();
}

void TestExporterConfig::yamlVariants()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, listen);
    QFETCH(bool, generation);
    QFETCH(bool, flake);
    QFETCH(QString, lockPath);

    ExporterConfig config;
    QString error;
    QVERIFY2(config.loadYamlText(yaml, ConfigName, &error), qPrintable(error));
    QCOMPARE(ListenAddress::join(config.listen), listen);
    QCOMPARE(config.collectors.value(u"generation"_s), generation);
    QCOMPARE(config.collectors.value(u"flake"_s), flake);
    QCOMPARE(config.lockPath, lockPath);
    QCOMPARE(config.collectors.size(), Collectors::names().size());
}

void TestExporterConfig::laterLoadKeepsEarlierValues()
{
    // loadYamlText applies on top: what the second text does not mention stays.
    ExporterConfig config;
    QString error;
    QVERIFY2(config.loadYamlText("collectors:\n  flake: {enabled: true, lock_path: /a}\n",
                                 ConfigName, &error),
             qPrintable(error));
    QVERIFY2(config.loadYamlText("listen_addr: \":1234\"\n", ConfigName, &error),
             qPrintable(error));
    QCOMPARE(config.collectors.value(u"flake"_s), true);
    QCOMPARE(config.lockPath, u"/a"_s);
    QCOMPARE(config.listen.first().port, quint16(1234));
}

void TestExporterConfig::emptyDocuments_data()
{
    QTest::addColumn<QByteArray>("yaml");

    QTest::newRow("empty") << QByteArray();
    QTest::newRow("newline") << QByteArray("\n");
    QTest::newRow("comment only") << QByteArray("# all defaults\n");
    QTest::newRow("document marker") << QByteArray("---\n");
    QTest::newRow("explicit null") << QByteArray("~\n");
}

void TestExporterConfig::emptyDocuments()
{
    QFETCH(QByteArray, yaml);

    // An empty file is a config of defaults, and applied on top of another it changes nothing.
    ExporterConfig config;
    config.collectors[u"flake"_s] = true;
    config.lockPath = u"/x"_s;
    const ExporterConfig before = config;
    QString error;
    QVERIFY2(config.loadYamlText(yaml, ConfigName, &error), qPrintable(error));
    QVERIFY2(sameConfig(config, before), qPrintable(describe(config)));
}

void TestExporterConfig::yamlErrors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("mentions"); // key or value the user has to fix; may be empty

    QTest::newRow("unknown top-level key")
        << QByteArray("listen_addr: \":9971\"\nlisten_address: \":9100\"\n") << 2
        << u"listen_address"_s;
    QTest::newRow("unknown collector")
        << QByteArray(
               "collectors:\n  generation:\n    enabled: true\n  textfile:\n    enabled: true\n")
        << 4 << u"textfile"_s;
    QTest::newRow("supported_releases not a list")
        << QByteArray("collectors:\n  flake:\n    supported_releases: \"26.05\"\n") << 3 << u"supported_releases"_s;
    QTest::newRow("supported_releases with a bad release")
        << QByteArray("collectors:\n  flake:\n    supported_releases: [\"26.05\", \"2026.5\"]\n") << 3
        << u"supported_releases"_s;
    QTest::newRow("unknown key under a collector")
        << QByteArray("collectors:\n  flake:\n    enabled: true\n    lockpath: /x\n") << 4
        << u"lockpath"_s;
    QTest::newRow("lock_path under generation")
        << QByteArray("collectors:\n  generation:\n    lock_path: /x\n") << 3 << u"lock_path"_s;
    QTest::newRow("enabled: maybe")
        << QByteArray(DocumentedConfig).replace("enabled: false", "enabled: maybe") << 6
        << u"enabled"_s;
    QTest::newRow("enabled: [1]")
        << QByteArray(DocumentedConfig).replace("enabled: true", "enabled: [1]") << 4
        << u"enabled"_s;
    QTest::newRow("enabled with no value")
        << QByteArray("collectors:\n  flake:\n    enabled:\n    lock_path: /x\n") << 3
        << u"enabled"_s;
    QTest::newRow("listen_addr: nope")
        << QByteArray("\n# comment\nlisten_addr: \"nope\"\n") << 3 << u"listen_addr"_s;
    QTest::newRow("listen_addr bad port")
        << QByteArray(DocumentedConfig).replace("\":9971\"", "\":99999\"") << 1 << u":99999"_s;
    QTest::newRow("listen_addr is an empty list")
        << QByteArray("listen_addr: []\n") << 1 << u"listen_addr"_s;
    QTest::newRow("listen_addr list with a bad one")
        << QByteArray("listen_addr:\n  - \":9971\"\n  - nope\n") << 3 << u"nope"_s;
    QTest::newRow("listen_addr list twice the same")
        << QByteArray("listen_addr: [\":9971\", \":9971\"]\n") << 1 << u"given twice"_s;
    QTest::newRow("listen_addr list of lists")
        << QByteArray("listen_addr:\n  - [\":9971\"]\n") << 2 << u"listen_addr"_s;
    QTest::newRow("listen_addr with no value")
        << QByteArray("listen_addr:\ncollectors: {}\n") << 1 << u"listen_addr"_s;
    QTest::newRow("lock_path is a map")
        << QByteArray("collectors:\n  flake:\n    lock_path: {a: b}\n") << 3 << u"lock_path"_s;
    QTest::newRow("collectors is a list")
        << QByteArray("listen_addr: \":1\"\ncollectors: [flake]\n") << 2 << u"collectors"_s;
    QTest::newRow("collector is a bool")
        << QByteArray("collectors:\n  flake: true\n") << 2 << u"flake"_s;
    // Bad indentation: yaml-cpp stops at the line where the mapping breaks.
    QTest::newRow("syntax error") << QByteArray("listen_addr: \":9971\"\n  collectors: {}\n") << 2
                                  << QString();
    QTest::newRow("bad dedent")
        << QByteArray("collectors:\n  flake:\n    enabled: true\n   lock_path: /x\n") << 4
        << QString();
    QTest::newRow("text after a quoted value")
        << QByteArray("listen_addr: \":9971\" x\ncollectors: {}\n") << 1 << QString();
    QTest::newRow("undefined alias")
        << QByteArray("collectors: {}\nlisten_addr: *addr\n") << 2 << QString();
    QTest::newRow("top level is a list")
        << QByteArray("# config\n- listen_addr: \":9971\"\n") << 2 << u"top level"_s;
    QTest::newRow("top level is a string") << QByteArray(":9971\n") << 1 << u"top level"_s;
}

void TestExporterConfig::yamlErrors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(int, line);
    QFETCH(QString, mentions);

    ExporterConfig config;
    QString error;
    QVERIFY(!config.loadYamlText(yaml, ConfigName, &error));
    // "file:line: what", the form editors and terminals turn into a link.
    const QString where = ConfigName + u':' + QString::number(line) + u": "_s;
    QVERIFY2(error.startsWith(where), qPrintable(u"expected \"%1\" in: %2"_s.arg(where, error)));
    QVERIFY2(error.size() > where.size(), qPrintable(error));
    if (!mentions.isEmpty())
        QVERIFY2(error.contains(mentions), qPrintable(error));
    QVERIFY2(!error.contains(u'\n'), qPrintable(error));
    QVERIFY2(sameConfig(config, ExporterConfig()), qPrintable(describe(config)));
}

void TestExporterConfig::failedLoadChangesNothing()
{
    // The error is on the last line, after valid settings of every kind: none of them may
    // stick, or a typo would leave a half-applied config running.
    ExporterConfig config;
    config.root = u"/srv/demo"_s;
    const ExporterConfig before = config;
    QString error;
    QVERIFY(!config.loadYamlText(R"(listen_addr: "127.0.0.1:9100"
collectors:
  generation:
    enabled: false
  flake:
    enabled: true
    lock_path: /x/flake.lock
bogus: 1
)",
                                 ConfigName, &error));
    QVERIFY2(error.startsWith(ConfigName + u":8: "_s), qPrintable(error));
    QVERIFY2(sameConfig(config, before), qPrintable(describe(config)));
}

void TestExporterConfig::loadYamlFromFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeFile(dir, u"config.yml"_s, DocumentedConfig + "extra: 1\n");
    QVERIFY(!path.isEmpty());

    ExporterConfig config;
    QString error;
    QVERIFY(!config.loadYaml(path, &error));
    QVERIFY2(error.startsWith(path + u":8: "_s), qPrintable(error));

    QVERIFY(writeFile(dir, u"config.yml"_s, DocumentedConfig) == path);
    QVERIFY2(config.loadYaml(path, &error), qPrintable(error));
    QCOMPARE(config.lockPath, u"/etc/nixos/flake.lock"_s);
}

void TestExporterConfig::loadYamlMissingFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"missing.yml"_s);
    ExporterConfig config;
    QString error;
    QVERIFY(!config.loadYaml(path, &error));
    QVERIFY2(error.contains(path), qPrintable(error));
    QVERIFY2(sameConfig(config, ExporterConfig()), qPrintable(describe(config)));
}

void TestExporterConfig::noFlags()
{
    CommandLine commandLine;
    QCOMPARE(commandLine.parse(argv({})), CommandLine::Outcome::Run);
    QVERIFY2(sameConfig(commandLine.config(), ExporterConfig()),
             qPrintable(describe(commandLine.config())));
}

void TestExporterConfig::flags_data()
{
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QString>("listen");
    QTest::addColumn<bool>("generation");
    QTest::addColumn<bool>("flake");
    QTest::addColumn<QString>("lockPath");
    QTest::addColumn<QString>("root");

    const QString all = u":9971"_s;
    QTest::newRow("--listen=:9100")
        << QStringList{u"--listen=:9100"_s} << u":9100"_s << true << false << QString() << u"/"_s;
    QTest::newRow("--listen value") << QStringList{u"--listen"_s, u"127.0.0.1:9100"_s}
                                    << u"127.0.0.1:9100"_s << true << false << QString() << u"/"_s;
    // node_exporter's spelling, so existing scrape setups and unit files carry over.
    QTest::newRow("--web.listen-address :9100")
        << QStringList{u"--web.listen-address"_s, u":9100"_s} << u":9100"_s << true << false
        << QString() << u"/"_s;
    QTest::newRow("-web.listen-address=")
        << QStringList{u"-web.listen-address=[::1]:9100"_s} << u"[::1]:9100"_s << true << false
        << QString() << u"/"_s;
    // Like node_exporter, every address given is served, in order.
    QTest::newRow("every --listen") << QStringList{u"--listen=:1"_s, u"--web.listen-address=[::1]:2"_s}
                                    << u":1, [::1]:2"_s << true << false << QString() << u"/"_s;
    QTest::newRow("port 0 twice") << QStringList{u"--listen=127.0.0.1:0"_s, u"--listen=127.0.0.1:0"_s}
                                  << u"127.0.0.1:0, 127.0.0.1:0"_s << true << false << QString() << u"/"_s;
    QTest::newRow("--collector.flake")
        << QStringList{u"--collector.flake"_s} << all << true << true << QString() << u"/"_s;
    QTest::newRow("--no-collector.generation") << QStringList{u"--no-collector.generation"_s} << all
                                               << false << false << QString() << u"/"_s;
    QTest::newRow("--collector.generation")
        << QStringList{u"--collector.generation"_s} << all << true << false << QString() << u"/"_s;
    QTest::newRow("enable then disable")
        << QStringList{u"--collector.flake"_s, u"--no-collector.flake"_s} << all << true << false
        << QString() << u"/"_s;
    QTest::newRow("disable then enable")
        << QStringList{u"--no-collector.flake"_s, u"--collector.flake"_s} << all << true << true
        << QString() << u"/"_s;
    QTest::newRow("other flags between")
        << QStringList{u"--no-collector.generation"_s, u"--root"_s, u"/r"_s,
                       u"--collector.generation"_s, u"--collector.flake"_s}
        << all << true << true << QString() << u"/r"_s;
    QTest::newRow("--flake.lock-path=/x")
        << QStringList{u"--flake.lock-path=/x"_s} << all << true << false << u"/x"_s << u"/"_s;
    QTest::newRow("--root /tmp") << QStringList{u"--root"_s, u"/tmp"_s} << all << true << false
                                 << QString() << u"/tmp"_s;
}

void TestExporterConfig::flags()
{
    QFETCH(QStringList, flags);
    QFETCH(QString, listen);
    QFETCH(bool, generation);
    QFETCH(bool, flake);
    QFETCH(QString, lockPath);
    QFETCH(QString, root);

    CommandLine commandLine;
    QCOMPARE(commandLine.parse(argv(flags)), CommandLine::Outcome::Run);
    const ExporterConfig &config = commandLine.config();
    QCOMPARE(ListenAddress::join(config.listen), listen);
    QCOMPARE(config.collectors.value(u"generation"_s), generation);
    QCOMPARE(config.collectors.value(u"flake"_s), flake);
    QCOMPARE(config.lockPath, lockPath);
    QCOMPARE(config.root, root);
    // A flag never invents a collector.
    QCOMPARE(config.collectors.keys(), ExporterConfig().collectors.keys());
}

void TestExporterConfig::configFileThenFlags()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeFile(dir, u"nixos-exporter.yml"_s, R"(listen_addr: "127.0.0.1:9200"
collectors:
  generation:
    enabled: false
  flake:
    enabled: true
    lock_path: /from/file/flake.lock
)");
    QVERIFY(!path.isEmpty());

    {
        // The file alone.
        CommandLine commandLine;
        QCOMPARE(commandLine.parse(argv({u"--config"_s, path})), CommandLine::Outcome::Run);
        QCOMPARE(ListenAddress::join(commandLine.config().listen), u"127.0.0.1:9200"_s);
        QCOMPARE(commandLine.config().collectors.value(u"generation"_s), false);
        QCOMPARE(commandLine.config().collectors.value(u"flake"_s), true);
        QCOMPARE(commandLine.config().lockPath, u"/from/file/flake.lock"_s);
    }
    {
        // Flags win over the file whatever their position relative to --config; what no
        // flag mentions keeps the file's value.
        CommandLine commandLine;
        QCOMPARE(commandLine.parse(argv({u"--listen=:9100"_s, u"--no-collector.flake"_s,
                                         u"--config"_s, path, u"--flake.lock-path=/from/flag"_s})),
                 CommandLine::Outcome::Run);
        QCOMPARE(ListenAddress::join(commandLine.config().listen), u":9100"_s);
        QCOMPARE(commandLine.config().collectors.value(u"flake"_s), false);
        QCOMPARE(commandLine.config().lockPath, u"/from/flag"_s);
        QCOMPARE(commandLine.config().collectors.value(u"generation"_s), false);
    }
    {
        CommandLine commandLine;
        QCOMPARE(commandLine.parse(argv({u"--config="_s + path, u"--collector.generation"_s})),
                 CommandLine::Outcome::Run);
        QCOMPARE(commandLine.config().collectors.value(u"generation"_s), true);
        QCOMPARE(ListenAddress::join(commandLine.config().listen), u"127.0.0.1:9200"_s);
    }
}

void TestExporterConfig::badConfigFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path =
        writeFile(dir, u"bad.yml"_s, "collectors:\n  flake:\n    enabled: maybe\n");
    QVERIFY(!path.isEmpty());

    CommandLine commandLine;
    QCOMPARE(commandLine.parse(argv({u"--config"_s, path})), CommandLine::Outcome::Error);
    QVERIFY2(commandLine.error().startsWith(path + u":3: "_s), qPrintable(commandLine.error()));

    CommandLine missing;
    const QString nowhere = dir.filePath(u"nowhere.yml"_s);
    QCOMPARE(missing.parse(argv({u"--config"_s, nowhere})), CommandLine::Outcome::Error);
    QVERIFY2(missing.error().contains(nowhere), qPrintable(missing.error()));
}

void TestExporterConfig::flagErrors_data()
{
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("unknown flag") << QStringList{u"--bogus"_s} << u"bogus"_s;
    QTest::newRow("unknown collector")
        << QStringList{u"--collector.textfile"_s} << u"collector.textfile"_s;
    QTest::newRow("positional argument") << QStringList{u"extra"_s} << u"extra"_s;
    QTest::newRow("positional after flags")
        << QStringList{u"--collector.flake"_s, u"/etc/x.yml"_s} << u"/etc/x.yml"_s;
    QTest::newRow("bad --listen") << QStringList{u"--listen=nope"_s} << u"nope"_s;
    QTest::newRow("bad --flake.supported-releases")
        << QStringList{u"--flake.supported-releases=26.5"_s} << u"flake.supported-releases"_s;
    QTest::newRow("--listen without value") << QStringList{u"--listen"_s} << u"listen"_s;
    QTest::newRow("second --listen bad") << QStringList{u"--listen=:1"_s, u"--listen=:x"_s} << u":x"_s;
    QTest::newRow("--listen twice the same")
        << QStringList{u"--listen=:9100"_s, u"--web.listen-address=:9100"_s} << u"given twice"_s;
    QTest::newRow("telemetry path without /")
        << QStringList{u"--web.telemetry-path=metrics"_s} << u"--web.telemetry-path: \"metrics\" must start with '/'"_s;
    QTest::newRow("telemetry path /")
        << QStringList{u"--web.telemetry-path=/"_s} << u"--web.telemetry-path: \"/\" is taken"_s;
    QTest::newRow("telemetry path /status")
        << QStringList{u"--web.telemetry-path=/status"_s} << u"\"/status\" is taken"_s;
    QTest::newRow("telemetry path with a placeholder")
        << QStringList{u"--web.telemetry-path=/<arg>"_s} << u"may only hold"_s;
    QTest::newRow("telemetry path with a query")
        << QStringList{u"--web.telemetry-path=/m?x=1"_s} << u"may only hold"_s;
    QTest::newRow("empty telemetry path")
        << QStringList{u"--web.telemetry-path="_s} << u"must start with '/'"_s;
    QTest::newRow("value on a switch")
        << QStringList{u"--collector.flake=true"_s} << u"collector.flake"_s;
}

void TestExporterConfig::flagErrors()
{
    QFETCH(QStringList, flags);
    QFETCH(QString, mentions);

    CommandLine commandLine;
    QCOMPARE(commandLine.parse(argv(flags)), CommandLine::Outcome::Error);
    QVERIFY2(commandLine.error().contains(mentions), qPrintable(commandLine.error()));
    QVERIFY2(!commandLine.error().trimmed().contains(u'\n'), qPrintable(commandLine.error()));
}

void TestExporterConfig::telemetryFlags()
{
    {
        CommandLine commandLine;
        QCOMPARE(commandLine.parse(argv({})), CommandLine::Outcome::Run);
        QCOMPARE(commandLine.config().telemetryPath, u"/metrics"_s);
        QVERIFY(commandLine.config().exporterMetrics);
        QCOMPARE(ListenAddress::join(commandLine.config().listen), u":9971"_s);
    }
    {
        CommandLine commandLine;
        QCOMPARE(commandLine.parse(argv({u"--web.telemetry-path=/node/metrics.v1"_s,
                                         u"--web.disable-exporter-metrics"_s})),
                 CommandLine::Outcome::Run);
        QCOMPARE(commandLine.config().telemetryPath, u"/node/metrics.v1"_s);
        QVERIFY(!commandLine.config().exporterMetrics);
    }
    {
        // Flags replace the file's list, they do not add to it.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = writeFile(dir, u"c.yml"_s, "listen_addr: [\":9200\", \":9201\"]\n");
        CommandLine fileOnly;
        QCOMPARE(fileOnly.parse(argv({u"--config"_s, path})), CommandLine::Outcome::Run);
        QCOMPARE(ListenAddress::join(fileOnly.config().listen), u":9200, :9201"_s);
        CommandLine commandLine;
        QCOMPARE(commandLine.parse(argv({u"--config"_s, path, u"--listen=:9300"_s})), CommandLine::Outcome::Run);
        QCOMPARE(ListenAddress::join(commandLine.config().listen), u":9300"_s);
    }
    CommandLine help;
    QCOMPARE(help.parse(argv({u"--help"_s})), CommandLine::Outcome::ShowHelp);
    QVERIFY(help.helpText().contains(u"--web.telemetry-path"_s));
    QVERIFY(help.helpText().contains(u"--web.disable-exporter-metrics"_s));
    // Says what goes and what stays (the parser wraps long names: compare without spaces).
    QString words = help.helpText();
    words.remove(QRegularExpression(u"\\s+"_s));
    QVERIFY(words.contains(u"process_*metricsandnixos_exporter_http_requests_total"_s));
}

void TestExporterConfig::help_data()
{
    QTest::addColumn<QString>("flag");

    QTest::newRow("--help") << u"--help"_s;
    QTest::newRow("-h") << u"-h"_s;
    // QCommandLineParser adds --help-all next to --help; it must not start the server.
    QTest::newRow("--help-all") << u"--help-all"_s;
}

void TestExporterConfig::help()
{
    QFETCH(QString, flag);

    CommandLine commandLine;
    QCOMPARE(commandLine.parse(argv({flag})), CommandLine::Outcome::ShowHelp);
    const QString help = commandLine.helpText();
    for (const QString &name : Collectors::names()) {
        QVERIFY2(help.contains(u"--collector."_s + name), qPrintable(help));
        QVERIFY2(help.contains(u"--no-collector."_s + name), qPrintable(help));
    }
    for (const QString &option : {u"--listen"_s, u"--web.listen-address"_s, u"--config"_s,
                                  u"--root"_s, u"--flake.lock-path"_s})
        QVERIFY2(help.contains(option), qPrintable(help));
}

void TestExporterConfig::version()
{
    CommandLine commandLine;
    QCOMPARE(commandLine.parse(argv({u"--version"_s})), CommandLine::Outcome::ShowVersion);
}

void TestExporterConfig::supportedReleases()
{
    ExporterConfig config;
    QVERIFY(config.supportedReleases.isEmpty());  // the calendar decides
    QString error;
    QVERIFY2(config.loadYamlText("collectors:\n  flake:\n    supported_releases: [\"26.05\", \"26.11\"]\n",
                                 u"c.yml"_s, &error),
             qPrintable(error));
    QCOMPARE(config.supportedReleases, (QStringList{u"26.05"_s, u"26.11"_s}));

    CommandLine commandLine;
    QCOMPARE(commandLine.parse(argv({u"--flake.supported-releases=25.11,26.05"_s})), CommandLine::Outcome::Run);
    QCOMPARE(commandLine.config().supportedReleases, (QStringList{u"25.11"_s, u"26.05"_s}));
}

QTEST_GUILESS_MAIN(TestExporterConfig)
#include "tst_exporterconfig.moc"
