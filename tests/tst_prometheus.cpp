// SPDX-License-Identifier: MIT
// End to end: a real Prometheus server scrapes nixos-exporter on the golden fixture (with a Nix
// database and a local channel server, so every collector is on), and what Prometheus stores is
// what the fixture says; every dashboard query returns data from it. The maintenance collector's
// systemd is python3-dbusmock's on the private bus of tests/withsession.sh.
#include "bootfixture.h"
#include "exporterprocess.h"
#include "fakehttpserver.h"
#include "goldenfixture.h"
#include "nixstoredb.h"
#include "prometheusprocess.h"
#include "requiredtool.h"
#include "systemlayout.h"
#include "systemdmock.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>
#include <QTest>

class TestPrometheus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void targetIsUp();
    void generationSeries();
    void flakeSeries();
    void collectorHealth();
    void dashboardQueriesReturnData();
    void fleetOverviewHasOneRowPerInstance();

private:
    QJsonArray query(const QString &promql) { return m_prometheus.query(promql); }

    FixtureTree m_tree;
    ExporterProcess m_exporter;
    PrometheusProcess m_prometheus;
    FakeHttpServer m_channel;
    SystemdMock m_systemd;
};

void TestPrometheus::initTestCase()
{
    QString prometheus;
    NIXOS_REQUIRE_TOOL(prometheus, "prometheus", "prometheus", "prometheus");
    const GoldenFixture::StorePaths systems = GoldenFixture::build(m_tree);
    // systemd-boot's entry of the running system, for the boot panels.
    const std::optional<QString> running = SystemLayout(m_tree.root()).resolve(QStringLiteral("/run/current-system"));
    QVERIFY(running);
    BootFixture(m_tree).addSystemdBootEntry(47, *running);
    QVERIFY(QDir().mkpath(m_tree.hostPath(QStringLiteral("/nix/var/nix/db"))));
    const NixStoreDb::Result db = NixStoreDb::create(m_tree.hostPath(QStringLiteral("/nix/var/nix/db/db.sqlite")), 500);
    QVERIFY2(db.error.isEmpty(), qPrintable(db.error));
    // The booted and the running system in it, the running one with 50 packages more: what a
    // reboot would change.
    for (const auto &[system, reference] : {std::pair{systems.generation46, 400}, std::pair{systems.generation47, 450}}) {
        const QString added = NixStoreDb::addPathReferring(m_tree.hostPath(QStringLiteral("/nix/var/nix/db/db.sqlite")), system, reference);
        QVERIFY2(added.isEmpty(), qPrintable(added));
    }
    m_tree.symlink(QStringLiteral("/nix/var/nix/gcroots/auto/abc"), QStringLiteral("/root/result"));
    m_tree.symlink(QStringLiteral("/root/result"), QStringLiteral("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x"));
    // The channel has moved on from the fixture's nixpkgs (2026-08-09): an upgrade is pending.
    m_channel.setAnswer({200, "1111111111111111111111111111111111111111\n", {{"Last-Modified", "Mon, 24 Aug 2026 12:00:00 GMT"}}});
    // An auto-upgrade that succeeded a day ago, its timer due in an hour.
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        QSKIP("no private bus: run through tests/withsession.sh");
    NIXOS_REQUIRE_FOUND(DBusMock::python(), DBusMock::pythonMissing());
    qputenv("DBUS_SYSTEM_BUS_ADDRESS", qgetenv("DBUS_SESSION_BUS_ADDRESS"));
    const QString started = m_systemd.start();
    QVERIFY2(started.isEmpty(), qPrintable(started));
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QCOMPARE(m_systemd.addUnit(QStringLiteral("nixos-upgrade.service"), {},
                               {{QStringLiteral("Result"), QStringLiteral("success")},
                                {QStringLiteral("ExecMainExitTimestamp"), SystemdMock::usec(now - 86400)}}),
             QString());
    QCOMPARE(m_systemd.addUnit(QStringLiteral("nixos-upgrade.timer"), {{QStringLiteral("ActiveState"), QStringLiteral("active")}},
                               {{QStringLiteral("LastTriggerUSec"), SystemdMock::usec(now - 86400 - 60)},
                                {QStringLiteral("NextElapseUSecRealtime"), SystemdMock::usec(now + 3600)}}),
             QString());
    QVERIFY2(m_exporter.start({QStringLiteral("--root"), m_tree.root(), QStringLiteral("--collector.flake"),
                               QStringLiteral("--collector.store"), QStringLiteral("--collector.upgrade"),
                               QStringLiteral("--collector.maintenance"),
                               QStringLiteral("--collector.upgrade.base-url=") + m_channel.baseUrl()}),
             qPrintable(m_exporter.error()));
    QVERIFY2(m_prometheus.start({m_exporter.port()}), qPrintable(m_prometheus.error()));
    // The channel server answers in this event loop (query() runs one): wait until a scrape has
    // every collector's figures, however loaded the machine is.
    QTRY_VERIFY_WITH_TIMEOUT(!query(QStringLiteral("nixos_upgrade_pending")).isEmpty(), 60'000);
    QTRY_VERIFY_WITH_TIMEOUT(!query(QStringLiteral("nixos_maintenance_next_run_timestamp_seconds")).isEmpty(), 60'000);
    // Two samples at least, for the panels that compute a change (delta).
    QTRY_VERIFY_WITH_TIMEOUT(!query(QStringLiteral("count_over_time(nixos_store_size_bytes[1h]) > 1")).isEmpty(), 60'000);
}

namespace {
QString value(const QJsonArray &result, int index = 0)
{
    return result.at(index)[QStringLiteral("value")].toArray().at(1).toString();
}
QString label(const QJsonArray &result, const QString &name, int index = 0)
{
    return result.at(index)[QStringLiteral("metric")][name].toString();
}
} // namespace

void TestPrometheus::targetIsUp()
{
    const QJsonArray up = query(QStringLiteral("up"));
    QCOMPARE(up.size(), 1);
    QCOMPARE(label(up, QStringLiteral("job")), QStringLiteral("nixos"));
    QCOMPARE(value(up), QStringLiteral("1"));
}

void TestPrometheus::generationSeries()
{
    QCOMPARE(value(query(QStringLiteral("nixos_current_generation"))), QStringLiteral("47"));
    QCOMPARE(value(query(QStringLiteral("nixos_booted_generation"))), QStringLiteral("46"));
    QCOMPARE(value(query(QStringLiteral("nixos_generation_count"))), QStringLiteral("3"));
    QCOMPARE(value(query(QStringLiteral("nixos_reboot_required"))), QStringLiteral("1"));
    const QJsonArray reasons = query(QStringLiteral("nixos_reboot_required_reason == 1"));
    QStringList parts;
    for (qsizetype i = 0; i < reasons.size(); ++i)
        parts.append(label(reasons, QStringLiteral("reason"), int(i)));
    parts.sort();
    QCOMPARE(parts, (QStringList{"initrd", "kernel", "kernel-modules"}));
    QCOMPARE(value(query(QStringLiteral("nixos_generation_timestamp_seconds{generation=\"47\"}"))),
             QString::number(GoldenFixture::Generation47Created));
}

void TestPrometheus::flakeSeries()
{
    const QJsonArray info = query(QStringLiteral("nixos_flake_input_info{input=\"nixpkgs\"}"));
    QCOMPARE(info.size(), 1);
    QCOMPARE(label(info, QStringLiteral("rev")), QStringLiteral("33ddeb9e7c03403e17814e8aac1f7affe6d70b21"));
    QCOMPARE(label(info, QStringLiteral("ref")), QStringLiteral("nixos-26.05-small"));
    QCOMPARE(value(query(QStringLiteral("count(nixos_flake_input_info)"))), QStringLiteral("24"));
    QCOMPARE(value(query(QStringLiteral("nixos_flake_input_last_modified_timestamp_seconds{input=\"nixpkgs\"}"))),
             QStringLiteral("1786245335"));
    // The age is the scrape time minus lastModified.
    const qint64 age = value(query(QStringLiteral("nixos_flake_input_age_seconds{input=\"nixpkgs\"}"))).toLongLong();
    QVERIFY(qAbs(age - (QDateTime::currentSecsSinceEpoch() - 1786245335)) < 60);
    // Inputs without lastModified (file inputs) have no age series rather than a fake 0.
    QVERIFY(query(QStringLiteral("nixos_flake_input_age_seconds{input=\"ai-robots-txt\"}")).isEmpty());
}

void TestPrometheus::collectorHealth()
{
    QTRY_COMPARE_WITH_TIMEOUT(value(query(QStringLiteral("min(nixos_exporter_collector_success)"))), QStringLiteral("1"),
                              60'000);
    QCOMPARE(value(query(QStringLiteral("count(nixos_exporter_collector_success)"))), QStringLiteral("6"));
    QCOMPARE(query(QStringLiteral("nixos_exporter_build_info")).size(), 1);
}

// nix/dashboards/nixos.json is importable (uid, title, datasource and instance variables, every
// panel with a datasource and queries) and every panel's PromQL, with the dashboard variables
// set as Grafana would for this scrape job, returns data from this Prometheus.
void TestPrometheus::dashboardQueriesReturnData()
{
    QFile file(QStringLiteral(NIXOS_SOURCE_DIR "/nix/dashboards/nixos.json"));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName() + QStringLiteral(": ") + file.errorString()));
    QJsonParseError parseError;
    const QJsonObject dashboard = QJsonDocument::fromJson(file.readAll(), &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
    QVERIFY(!dashboard[QStringLiteral("uid")].toString().isEmpty());
    QVERIFY(!dashboard[QStringLiteral("title")].toString().isEmpty());

    const QJsonArray up = query(QStringLiteral("up{job=\"nixos\"}"));
    QCOMPARE(up.size(), 1);
    // Grafana escapes a regex-matched value for PromQL: "127.0.0.1" becomes "127\\.0\\.0\\.1".
    QString instance;
    for (const QChar c : label(up, QStringLiteral("instance"))) {
        if (QStringView(u"$^*{}[]'+?.()|").contains(c))
            instance += QStringLiteral("\\\\");
        instance += c;
    }
    // What Grafana puts in for the variables, for a 7-day view scraped every second.
    const QList<std::pair<QString, QString>> variables = {
        {QStringLiteral("$__rate_interval"), QStringLiteral("1m")},
        {QStringLiteral("$__interval"), QStringLiteral("15s")},
        {QStringLiteral("$__range"), QStringLiteral("7d")},
        {QStringLiteral("$job"), QStringLiteral("nixos")},
        {QStringLiteral("$instance"), instance},
    };
    const auto substitute = [&](QString expr) {
        for (const auto &[name, value] : variables) {
            expr.replace(QStringLiteral("${") + name.mid(1) + QLatin1Char('}'), value);
            expr.replace(name, value);
        }
        return expr;
    };

    // Variables: a Prometheus datasource, and label_values() queries that find this target.
    QStringList variableNames;
    for (const QJsonValue &variable : dashboard[QStringLiteral("templating")][QStringLiteral("list")].toArray()) {
        const QString name = variable[QStringLiteral("name")].toString();
        variableNames.append(name);
        if (variable[QStringLiteral("type")].toString() == QLatin1String("datasource"))
            QCOMPARE(variable[QStringLiteral("query")].toString(), QStringLiteral("prometheus"));
        if (variable[QStringLiteral("type")].toString() != QLatin1String("query"))
            continue;
        const QString definition = variable[QStringLiteral("query")][QStringLiteral("query")].toString();
        static const QRegularExpression labelValues(QStringLiteral(R"(^label_values\((.+),\s*(\w+)\)$)"));
        const QRegularExpressionMatch match = labelValues.match(definition);
        QVERIFY2(match.hasMatch(), qPrintable(name + QStringLiteral(": not label_values(metric, label): ") + definition));
        const QJsonArray values = query(substitute(QStringLiteral("count by (%1) (%2)").arg(match.captured(2), match.captured(1))));
        QVERIFY2(!values.isEmpty(), qPrintable(QStringLiteral("variable %1 finds nothing: %2").arg(name, definition)));
    }
    QVERIFY2(variableNames.contains(QStringLiteral("datasource")), qPrintable(variableNames.join(u' ')));
    QVERIFY2(variableNames.contains(QStringLiteral("instance")), qPrintable(variableNames.join(u' ')));

    // Panels, with the ones inside collapsed rows.
    QJsonArray panels;
    for (const QJsonValue &panel : dashboard[QStringLiteral("panels")].toArray()) {
        panels.append(panel);
        for (const QJsonValue &inner : panel[QStringLiteral("panels")].toArray())
            panels.append(inner);
    }
    QStringList rows;
    int queries = 0;
    for (const QJsonValue &panel : std::as_const(panels)) {
        const QString title = panel[QStringLiteral("title")].toString();
        if (panel[QStringLiteral("type")].toString() == QLatin1String("row")) {
            rows.append(title);
            continue;
        }
        QVERIFY2(!title.isEmpty(), "a panel without a title");
        QCOMPARE(panel[QStringLiteral("datasource")][QStringLiteral("uid")].toString(), QStringLiteral("${datasource}"));
        const QJsonArray targets = panel[QStringLiteral("targets")].toArray();
        QVERIFY2(!targets.isEmpty(), qPrintable(QStringLiteral("panel \"%1\" has no queries").arg(title)));
        const bool table = panel[QStringLiteral("type")].toString() == QLatin1String("table");
        // A table of several queries is joined into one row per instance (Grafana's merge
        // transformation): every query gives one series per instance, labelled job and
        // instance only, as an instant table.
        const bool joined = table && targets.size() > 1;
        if (joined) {
            const QJsonArray transformations = panel[QStringLiteral("transformations")].toArray();
            QVERIFY2(!transformations.isEmpty()
                         && transformations.at(0)[QStringLiteral("id")].toString() == QLatin1String("merge"),
                     qPrintable(QStringLiteral("table \"%1\" has several queries but does not merge them").arg(title)));
        }
        QStringList refIds;
        for (const QJsonValue &target : targets) {
            const QString refId = target[QStringLiteral("refId")].toString();
            QVERIFY2(!refId.isEmpty() && !refIds.contains(refId),
                     qPrintable(QStringLiteral("panel \"%1\": refId \"%2\" missing or twice").arg(title, refId)));
            refIds.append(refId);
            // Legends name the instance: a fleet's series must be told apart.
            if (!table)
                QVERIFY2(target[QStringLiteral("legendFormat")].toString().contains(QLatin1String("{{instance}}")),
                         qPrintable(QStringLiteral("panel \"%1\" %2: the legend does not name the instance").arg(title, refId)));
            const QString expr = substitute(target[QStringLiteral("expr")].toString());
            QVERIFY2(!expr.isEmpty() && !expr.contains(QLatin1Char('$')),
                     qPrintable(QStringLiteral("panel \"%1\": unknown variable or no query: %2").arg(title, expr)));
            const QJsonArray result = query(expr);
            QVERIFY2(!result.isEmpty(),
                     qPrintable(QStringLiteral("panel \"%1\" returns no data: %2").arg(title, expr)));
            if (joined) {
                QVERIFY2(target[QStringLiteral("format")].toString() == QLatin1String("table")
                             && target[QStringLiteral("instant")].toBool(),
                         qPrintable(QStringLiteral("table \"%1\" %2: not an instant table query").arg(title, refId)));
                QStringList instances;
                for (const QJsonValue &series : result) {
                    const QStringList labels = series[QStringLiteral("metric")].toObject().keys();
                    QVERIFY2(labels == (QStringList{QStringLiteral("instance"), QStringLiteral("job")}),
                             qPrintable(QStringLiteral("table \"%1\" %2: labels %3, expected instance and job (aggregate "
                                                       "by (job, instance)): %4")
                                            .arg(title, refId, labels.join(u','), expr)));
                    instances.append(series[QStringLiteral("metric")][QStringLiteral("instance")].toString());
                }
                QVERIFY2(instances.removeDuplicates() == 0,
                         qPrintable(QStringLiteral("table \"%1\" %2: several rows for one instance").arg(title, refId)));
            }
            ++queries;
        }
    }
    // The fleet first, then one row per concern.
    QCOMPARE(rows.size(), 8);
    QVERIFY2(rows.first().startsWith(QLatin1String("Fleet")), qPrintable(rows.join(u',')));
    for (const QString &concern : {QStringLiteral("Reboot"), QStringLiteral("Generation"), QStringLiteral("Flake"),
                                   QStringLiteral("Store"), QStringLiteral("Collector"), QStringLiteral("Boot"),
                                   QStringLiteral("Maintenance")})
        QVERIFY2(!rows.filter(concern).isEmpty(), qPrintable(concern + QStringLiteral(" row missing: ") + rows.join(u',')));
    qInfo("%d panel queries return data", queries);
}

// The fleet overview: one table row per instance, its columns from several queries. What a
// column shows for the golden fixture, after the value mappings Grafana applies.
void TestPrometheus::fleetOverviewHasOneRowPerInstance()
{
    QFile file(QStringLiteral(NIXOS_SOURCE_DIR "/nix/dashboards/nixos.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonObject fleet;
    for (const QJsonValue &panel : QJsonDocument::fromJson(file.readAll())[QStringLiteral("panels")].toArray()) {
        if (panel[QStringLiteral("type")].toString() == QLatin1String("table")
            && panel[QStringLiteral("title")].toString() == QLatin1String("Fleet overview"))
            fleet = panel.toObject();
    }
    QVERIFY2(!fleet.isEmpty(), "no table \"Fleet overview\"");

    // Column name and value mappings per query: the overrides on "Value #<refId>".
    QMap<QString, QJsonObject> columns;
    for (const QJsonValue &entry : fleet[QStringLiteral("fieldConfig")][QStringLiteral("overrides")].toArray()) {
        const QString field = entry[QStringLiteral("matcher")][QStringLiteral("options")].toString();
        QJsonObject properties;
        for (const QJsonValue &property : entry[QStringLiteral("properties")].toArray())
            properties.insert(property[QStringLiteral("id")].toString(), property[QStringLiteral("value")]);
        columns.insert(field, properties);
    }
    const auto shown = [](const QJsonObject &column, const QString &value) {
        for (const QJsonValue &mapping : column[QStringLiteral("mappings")].toArray()) {
            const QJsonValue text = mapping[QStringLiteral("options")][value][QStringLiteral("text")];
            if (text.isString())
                return text.toString();
        }
        return value;
    };

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 channelHead = QDateTime::fromString(QStringLiteral("2026-08-24T12:00:00Z"), Qt::ISODate).toSecsSinceEpoch();
    const qint64 nixpkgs = 1786245335; // the fixture lock's nixpkgs lastModified
    QStringList reasons;
    const QJsonArray reasonSeries = query(QStringLiteral("nixos_reboot_required_reason == 1"));
    for (qsizetype i = 0; i < reasonSeries.size(); ++i)
        reasons.append(label(reasonSeries, QStringLiteral("reason"), int(i)));

    QMap<QString, QString> row;
    for (const QJsonValue &target : fleet[QStringLiteral("targets")].toArray()) {
        const QString refId = target[QStringLiteral("refId")].toString();
        QString expr = target[QStringLiteral("expr")].toString();
        expr.replace(QStringLiteral("$job"), QStringLiteral("nixos")).replace(QStringLiteral("$instance"), QStringLiteral(".+"));
        const QJsonArray result = query(expr);
        QVERIFY2(result.size() == 1, qPrintable(QStringLiteral("%1: %2 series, not 1 (one instance scraped): %3")
                                                    .arg(refId).arg(result.size()).arg(expr)));
        const QJsonObject column = columns.value(QStringLiteral("Value #") + refId);
        const QString name = column[QStringLiteral("displayName")].toString();
        QVERIFY2(!name.isEmpty(), qPrintable(QStringLiteral("query %1 has no column name").arg(refId)));
        row.insert(name, shown(column, value(result)));
    }
    QCOMPARE(row.keys(), (QStringList{"Behind channel", "Exporter", "Failing collectors", "Generation",
                                      "Reboot required", "Upgrade pending", "Why", "nixpkgs age"}));
    QCOMPARE(row[QStringLiteral("Exporter")], QStringLiteral("up"));
    QCOMPARE(row[QStringLiteral("Generation")], QStringLiteral("47"));
    QCOMPARE(row[QStringLiteral("Reboot required")], QStringLiteral("yes"));
    QCOMPARE(row[QStringLiteral("Upgrade pending")], QStringLiteral("yes"));
    QCOMPARE(row[QStringLiteral("Behind channel")].toLongLong(), channelHead - nixpkgs);
    QCOMPARE(row[QStringLiteral("Failing collectors")], QStringLiteral("none"));
    QVERIFY2(qAbs(row[QStringLiteral("nixpkgs age")].toDouble() - double(now - nixpkgs)) < 120,
             qPrintable(row[QStringLiteral("nixpkgs age")]));
    QStringList why = row[QStringLiteral("Why")].split(QStringLiteral(", "));
    why.sort();
    reasons.sort();
    QCOMPARE(why, reasons);

    // "Why" sums one bit per reason; its mapping names the reasons of every sum, and the bits
    // cover every reason the exporter knows (all of them are series, 0 or 1).
    QString whyRef;
    for (auto it = columns.cbegin(); it != columns.cend(); ++it) {
        if (it.value()[QStringLiteral("displayName")].toString() == QLatin1String("Why"))
            whyRef = it.key().mid(QStringLiteral("Value #").size());
    }
    QString whyExpr;
    for (const QJsonValue &target : fleet[QStringLiteral("targets")].toArray()) {
        if (target[QStringLiteral("refId")].toString() == whyRef)
            whyExpr = target[QStringLiteral("expr")].toString();
    }
    static const QRegularExpression bit(QStringLiteral(R"re(reason="([a-z-]+)"[^}]*\} \* (\d+)\))re"));
    QMap<int, QString> bits;
    for (QRegularExpressionMatchIterator it = bit.globalMatch(whyExpr); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        bits.insert(match.captured(2).toInt(), match.captured(1));
    }
    QStringList known;
    const QJsonArray all = query(QStringLiteral("nixos_reboot_required_reason"));
    for (qsizetype i = 0; i < all.size(); ++i)
        known.append(label(all, QStringLiteral("reason"), int(i)));
    QStringList inBits = bits.values();
    known.sort();
    inBits.sort();
    QCOMPARE(inBits, known);
    const QJsonObject whyColumn = columns.value(QStringLiteral("Value #") + whyRef);
    for (int sum = 0; sum < (1 << bits.size()); ++sum) {
        QStringList named;
        for (auto it = bits.cbegin(); it != bits.cend(); ++it) {
            if (sum & it.key())
                named.append(it.value());
        }
        QCOMPARE(shown(whyColumn, QString::number(sum)), named.isEmpty() ? QStringLiteral("-") : named.join(QStringLiteral(", ")));
    }
}

QTEST_GUILESS_MAIN(TestPrometheus)
#include "tst_prometheus.moc"
