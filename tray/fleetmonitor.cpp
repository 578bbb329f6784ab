// SPDX-License-Identifier: MIT
#include "fleetmonitor.h"

#include "remotesnapshot.h"
#include "safeurl.h"
#include "statusjson.h"
#include "statustext.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QUrlQuery>

#include <memory>

namespace {

Assessment::Finding finding(const QString &code, Assessment::Level level, const QString &message, const QString &subject)
{
    return {code, level, message, code + QLatin1Char(':') + subject};
}

void add(Assessment &assessment, const Assessment::Finding &f)
{
    assessment.findings.append(f);
    assessment.level = std::max(assessment.level, f.level);
}

Assessment::Level levelFromName(const QString &name)
{
    if (name == QLatin1String("ok"))
        return Assessment::Level::Ok;
    return name == QLatin1String("attention") ? Assessment::Level::Attention : Assessment::Level::Error;
}

HostStatus unreachable(const QString &host, const QString &error)
{
    HostStatus status;
    status.host = host;
    add(status.assessment, finding(QStringLiteral("source-failed"), Assessment::Level::Error,
                                   QStringLiteral("cannot read: %1").arg(error), QStringLiteral("exporter")));
    status.summary = QStringLiteral("unreachable");
    return status;
}

// A host from its exporter's /status document: its own verdict, as it made it.
HostStatus fromStatusJson(const QString &host, const QJsonObject &status)
{
    HostStatus result;
    result.host = host;
    const QJsonObject assessment = status[QStringLiteral("assessment")].toObject();
    for (const QJsonValue &f : assessment[QStringLiteral("findings")].toArray())
        result.assessment.findings.append({f[QStringLiteral("code")].toString(), levelFromName(f[QStringLiteral("level")].toString()),
                                           f[QStringLiteral("message")].toString(), f[QStringLiteral("key")].toString()});
    result.assessment.level = levelFromName(assessment[QStringLiteral("level")].toString());
    const QJsonObject system = status[QStringLiteral("system")].toObject();
    // What is not known says so, as in StatusText.
    QStringList parts;
    const QJsonValue current = system[QStringLiteral("current_generation")];
    parts << (current.isNull() ? QStringLiteral("generation unknown")
                               : QStringLiteral("generation %1").arg(current.toInt()));
    const QJsonValue booted = system[QStringLiteral("booted_generation")];
    if (!booted.isNull() && booted != current)
        parts.last() += QStringLiteral(" (booted %1)").arg(booted.toInt());
    const QJsonValue nixpkgsAge = status[QStringLiteral("nixpkgs")][QStringLiteral("age_seconds")];
    parts << (nixpkgsAge.isNull() ? QStringLiteral("nixpkgs age unknown")
                                  : QStringLiteral("nixpkgs %1 old").arg(StatusText::age(nixpkgsAge.toInteger())));
    result.summary = parts.join(QStringLiteral(" · "));
    result.snapshot = RemoteSnapshot::fromStatusJson(status);
    return result;
}

// instance -> value, for one instant query's vector
using Series = QMap<QString, double>;

Series byInstance(const QJsonArray &result)
{
    Series series;
    for (const QJsonValue &sample : result)
        series.insert(sample[QStringLiteral("metric")][QStringLiteral("instance")].toString(),
                      sample[QStringLiteral("value")].toArray().at(1).toString().toDouble());
    return series;
}

// The queries the Prometheus view needs, by name.
const QList<std::pair<QString, QString>> PrometheusQueries{
    {QStringLiteral("hosts"), QStringLiteral("last_over_time(nixos_exporter_build_info[1d])")},
    {QStringLiteral("up"), QStringLiteral("up")},
    {QStringLiteral("failed"), QStringLiteral("count by (instance) (nixos_exporter_collector_success == 0)")},
    {QStringLiteral("current"), QStringLiteral("nixos_current_generation")},
    {QStringLiteral("booted"), QStringLiteral("nixos_booted_generation")},
    {QStringLiteral("reboot"), QStringLiteral("nixos_reboot_required")},
    {QStringLiteral("age"), QStringLiteral("nixos_generation_age_seconds")},
    // nixpkgs from the flake where it is read, else from the NixOS label.
    {QStringLiteral("nixpkgs"), QStringLiteral("max by (instance) (nixos_flake_input_age_seconds{input=\"nixpkgs\"}) "
                                               "or max by (instance) (time() - nixos_nixpkgs_timestamp_seconds{system=\"current\"})")},
};

HostStatus fromSeries(const QString &host, const QMap<QString, Series> &series, const Thresholds &thresholds)
{
    HostStatus status;
    status.host = host;
    Assessment &a = status.assessment;
    const auto value = [&](const char *name) -> std::optional<double> {
        const Series &s = series.value(QLatin1String(name));
        return s.contains(host) ? std::optional<double>(s.value(host)) : std::nullopt;
    };
    if (value("up").value_or(0) == 0)
        add(a, finding(QStringLiteral("source-failed"), Assessment::Level::Error,
                       QStringLiteral("exporter down"), QStringLiteral("up")));
    if (value("failed").value_or(0) > 0)
        add(a, finding(QStringLiteral("source-failed"), Assessment::Level::Error,
                       QStringLiteral("a collector fails"), QStringLiteral("collector")));
    if (value("reboot").value_or(0) == 1)
        add(a, finding(QStringLiteral("reboot-required"), Assessment::Level::Attention,
                       QStringLiteral("reboot required"), QString::number(qint64(value("current").value_or(0)))));
    const std::optional<double> current = value("current");
    if (const std::optional<double> age = value("age"); age && *age > thresholds.generationStaleSeconds)
        add(a, finding(QStringLiteral("generation-stale"), Assessment::Level::Attention,
                       (current ? QStringLiteral("generation %1 is %2 old").arg(qint64(*current))
                                : QStringLiteral("the running generation is %1 old"))
                           .arg(StatusText::age(qint64(*age))),
                       QString::number(qint64(current.value_or(0)))));
    const std::optional<double> nixpkgs = value("nixpkgs");
    if (nixpkgs && *nixpkgs > thresholds.nixpkgsStaleSeconds)
        add(a, finding(QStringLiteral("nixpkgs-stale"), Assessment::Level::Attention,
                       QStringLiteral("nixpkgs is %1 old").arg(StatusText::age(qint64(*nixpkgs))), QStringLiteral("nixpkgs")));

    QStringList parts;
    parts << (current ? QStringLiteral("generation %1").arg(qint64(*current)) : QStringLiteral("generation unknown"));
    if (const std::optional<double> booted = value("booted"); booted && booted != current)
        parts.last() += QStringLiteral(" (booted %1)").arg(qint64(*booted));
    parts << (nixpkgs ? QStringLiteral("nixpkgs %1 old").arg(StatusText::age(qint64(*nixpkgs)))
                      : QStringLiteral("nixpkgs age unknown"));
    status.summary = parts.join(QStringLiteral(" · "));
    return status;
}

} // namespace

FleetMonitor::FleetMonitor(const Settings &settings, QObject *parent)
    : QObject(parent), m_settings(settings)
{
    qRegisterMetaType<QList<HostStatus>>();
    m_timer.setInterval(m_settings.intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &FleetMonitor::poll);
}

void FleetMonitor::start()
{
    m_timer.start();
    poll();
}

void FleetMonitor::poll()
{
    if (m_polling)
        return;  // a slow round is still out; the next tick tries again
    m_polling = true;
    if (!m_settings.prometheus.isEmpty())
        pollPrometheus();
    else
        pollExporters();
}

void FleetMonitor::get(const QUrl &url, std::function<void(const QByteArray &, const QString &)> done)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(m_settings.timeoutMs);
    QNetworkReply *reply = m_network.get(request);
    connect(reply, &QNetworkReply::finished, this, [reply, done] {
        reply->deleteLater();
        if (reply->error() != QNetworkReply::NoError)
            done({}, SafeUrl::inText(reply->errorString()));  // Qt may quote the URL
        else
            done(reply->readAll(), {});
    });
}

void FleetMonitor::pollExporters()
{
    if (m_settings.exporters.isEmpty()) {
        publish({});
        return;
    }
    auto results = std::make_shared<QList<HostStatus>>();
    auto pending = std::make_shared<qsizetype>(m_settings.exporters.size());
    for (const QString &address : m_settings.exporters) {
        const QUrl url = StatusJson::urlFor(address);
        // A host is named without the credentials an address may carry.
        const QString host = url.adjusted(QUrl::RemoveUserInfo).authority();
        get(url, [this, host, results, pending](const QByteArray &body, const QString &error) {
            const QJsonDocument document = QJsonDocument::fromJson(body);
            if (!error.isEmpty())
                results->append(unreachable(host, error));
            else if (!document.isObject())
                results->append(unreachable(host, QStringLiteral("not a status document")));
            else
                // An older exporter did not clean its own URLs.
                results->append(fromStatusJson(host, SafeUrl::inJson(document.object()).toObject()));
            if (--*pending == 0)
                publish(*results);
        });
    }
}

void FleetMonitor::pollPrometheus()
{
    auto series = std::make_shared<QMap<QString, Series>>();
    auto pending = std::make_shared<qsizetype>(PrometheusQueries.size());
    auto failure = std::make_shared<QString>();
    for (const auto &[name, promql] : PrometheusQueries) {
        QUrl url(m_settings.prometheus);
        url.setPath(url.path().chopped(url.path().endsWith(QLatin1Char('/')) ? 1 : 0) + QStringLiteral("/api/v1/query"));
        url.setQuery(QUrlQuery{{QStringLiteral("query"), promql}});
        get(url, [this, name = name, series, pending, failure](const QByteArray &body, const QString &error) {
            if (!error.isEmpty())
                *failure = error;
            else
                series->insert(name, byInstance(QJsonDocument::fromJson(body)[QStringLiteral("data")][QStringLiteral("result")].toArray()));
            if (--*pending > 0)
                return;
            if (!failure->isEmpty()) {
                publish({unreachable(QUrl(m_settings.prometheus).adjusted(QUrl::RemoveUserInfo).authority(), *failure)});
                return;
            }
            QList<HostStatus> hosts;
            for (const QString &host : series->value(QStringLiteral("hosts")).keys())
                hosts.append(fromSeries(host, *series, m_settings.thresholds));
            publish(hosts);
        });
    }
}

void FleetMonitor::publish(QList<HostStatus> hosts)
{
    m_polling = false;
    std::sort(hosts.begin(), hosts.end(), [](const HostStatus &a, const HostStatus &b) { return a.host < b.host; });
    if (m_answered && hosts == m_hosts)
        return;
    m_answered = true;
    m_hosts = hosts;
    Q_EMIT hostsChanged(m_hosts);
}
