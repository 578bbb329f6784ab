// SPDX-License-Identifier: MIT
// End to end: a real Prometheus server scrapes nixos-exporter on the golden fixture, and what
// Prometheus stores is what the fixture says.
#include "exporterprocess.h"
#include "goldenfixture.h"
#include "prometheusprocess.h"
#include "requiredtool.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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

private:
    QJsonArray query(const QString &promql) { return m_prometheus.query(promql); }

    FixtureTree m_tree;
    ExporterProcess m_exporter;
    PrometheusProcess m_prometheus;
};

void TestPrometheus::initTestCase()
{
    QString prometheus;
    NIXOS_REQUIRE_TOOL(prometheus, "prometheus", "prometheus", "prometheus");
    GoldenFixture::build(m_tree);
    QVERIFY2(m_exporter.start({QStringLiteral("--root"), m_tree.root(), QStringLiteral("--collector.flake")}),
             qPrintable(m_exporter.error()));
    QVERIFY2(m_prometheus.start({m_exporter.port()}), qPrintable(m_prometheus.error()));
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
    QCOMPARE(value(query(QStringLiteral("min(nixos_exporter_collector_success)"))), QStringLiteral("1"));
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
        for (const QJsonValue &target : targets) {
            const QString expr = substitute(target[QStringLiteral("expr")].toString());
            QVERIFY2(!expr.isEmpty() && !expr.contains(QLatin1Char('$')),
                     qPrintable(QStringLiteral("panel \"%1\": unknown variable or no query: %2").arg(title, expr)));
            QVERIFY2(!query(expr).isEmpty(),
                     qPrintable(QStringLiteral("panel \"%1\" returns no data: %2").arg(title, expr)));
            ++queries;
        }
    }
    // One row per concern.
    QCOMPARE(rows.size(), 4);
    for (const QString &concern : {QStringLiteral("Reboot"), QStringLiteral("Generation"), QStringLiteral("Flake"),
                                   QStringLiteral("Collector")})
        QVERIFY2(!rows.filter(concern).isEmpty(), qPrintable(concern + QStringLiteral(" row missing: ") + rows.join(u',')));
    qInfo("%d panel queries return data", queries);
}

QTEST_GUILESS_MAIN(TestPrometheus)
#include "tst_prometheus.moc"
