// SPDX-License-Identifier: MIT
#include "notificationpolicy.h"

#include <QMap>

namespace {
const QString ToldKey = QStringLiteral("notifications/told");  // condition key -> request id
const QString SnoozeKey = QStringLiteral("notifications/snoozedUntil");
const QString RemindKey = QStringLiteral("notifications/remindLater");
const QString ThisMachine = QStringLiteral("this machine");

// A finding's key or code as the policy keeps it across machines: as it is for this machine
// ("reboot-required"), after the host's name for another ("web1:9971/reboot-required").
QString onHost(const QString &host, const QString &name)
{
    return host.isEmpty() ? name : host + QLatin1Char('/') + name;
}

// One finding of one machine, as the policy remembers it.
struct Condition
{
    QString host;  // empty: this machine
    Assessment::Finding finding;
    QString key;   // unique across machines
};

QList<Condition> conditionsOf(const Assessment &local, const QList<HostStatus> &hosts, const QSet<QString> &codes)
{
    QList<Condition> conditions;
    const auto add = [&](const QString &host, const Assessment &assessment) {
        for (const Assessment::Finding &finding : assessment.findings) {
            if (codes.contains(finding.code))
                conditions.append({host, finding, onHost(host, finding.key)});
        }
    };
    add({}, local);
    for (const HostStatus &host : hosts)
        add(host.host, host.assessment);
    return conditions;
}

NotificationRequest::Urgency urgencyOf(const QString &code)
{
    if (code == QLatin1String("source-failed"))
        return NotificationRequest::Urgency::Critical;
    // Ages (stale nixpkgs, an old generation) and an available upgrade can wait; the rest
    // needs a person soon.
    if (code == QLatin1String("nixpkgs-stale") || code == QLatin1String("generation-stale")
        || code == QLatin1String("upgrade-available"))
        return NotificationRequest::Urgency::Low;
    return NotificationRequest::Urgency::Normal;
}

// One notification for conditions on several machines: "3 machines need attention", then one
// line per machine with what is wrong there, this machine first.
NotificationRequest summaryOf(const QList<Condition> &conditions)
{
    NotificationRequest summary;
    summary.id = NotificationPolicy::SummaryId;
    summary.urgency = NotificationRequest::Urgency::Low;
    QStringList machines;
    QMap<QString, QStringList> messages;
    for (const Condition &condition : conditions) {
        if (!machines.contains(condition.host))
            machines.append(condition.host);
        messages[condition.host].append(condition.finding.message);
        summary.keys.append(condition.key);
        summary.urgency = std::max(summary.urgency, urgencyOf(condition.finding.code));
    }
    QStringList lines;
    for (const QString &host : std::as_const(machines))
        lines.append(QStringLiteral("%1: %2").arg(host.isEmpty() ? ThisMachine : host,
                                                  messages.value(host).join(QStringLiteral("; "))));
    summary.title = QStringLiteral("%1 machines need attention").arg(machines.size());
    summary.body = lines.join(QLatin1Char('\n'));
    return summary;
}

qsizetype machineCount(const QList<Condition> &conditions)
{
    QSet<QString> machines;
    for (const Condition &condition : conditions)
        machines.insert(condition.host);
    return machines.size();
}
} // namespace

NotificationPolicy::NotificationPolicy(QSettings &state, QObject *parent)
    : QObject(parent), m_state(state), m_enabledCodes(AllCodes.cbegin(), AllCodes.cend())
{
}

void NotificationPolicy::setEnabledCodes(const QStringList &codes)
{
    m_enabledCodes = QSet<QString>(codes.cbegin(), codes.cend());
}

void NotificationPolicy::setUnknownCodes(const QStringList &codes)
{
    m_unknownCodes = codes;
}

NotificationRequest NotificationPolicy::requestFor(const Assessment::Finding &finding, const QString &host)
{
    NotificationRequest request;
    request.id = onHost(host, finding.code);
    request.keys = {onHost(host, finding.key)};
    request.code = finding.code;
    request.body = finding.message;
    request.urgency = urgencyOf(finding.code);
    if (finding.code == QLatin1String("reboot-required"))
        request.title = QStringLiteral("Reboot required");
    else if (finding.code == QLatin1String("source-failed"))
        request.title = QStringLiteral("Cannot read the system state");
    else if (finding.code == QLatin1String("nixpkgs-unmaintained"))
        request.title = QStringLiteral("nixpkgs branch no longer maintained");
    else if (finding.code == QLatin1String("auto-upgrade-failed"))
        request.title = QStringLiteral("Auto-upgrade failed");
    else if (finding.code == QLatin1String("auto-upgrade-overdue") || finding.code == QLatin1String("gc-overdue"))
        request.title = QStringLiteral("Maintenance has stopped running");
    else if (finding.code == QLatin1String("boot-full"))
        request.title = QStringLiteral("/boot is nearly full");
    else if (finding.code == QLatin1String("nixpkgs-stale"))
        request.title = QStringLiteral("nixpkgs is out of date");
    else if (finding.code == QLatin1String("upgrade-available"))
        request.title = QStringLiteral("Upgrade available");
    else
        request.title = QStringLiteral("NixOS generation is old");
    if (!host.isEmpty())
        request.title += QStringLiteral(" on ") + host;
    return request;
}

void NotificationPolicy::update(const Assessment &local, const QList<HostStatus> &hosts, qint64 now)
{
    const QList<Condition> conditions = conditionsOf(local, hosts, m_enabledCodes);
    QSet<QString> activeKeys;
    for (const Condition &condition : conditions)
        activeKeys.insert(condition.key);

    // Forget conditions that are gone, so that they are told again if they come back.
    QVariantMap told = m_state.value(ToldKey).toMap();
    QVariantMap remind = m_state.value(RemindKey).toMap();
    QSet<QString> emptied;  // ids that told a condition now gone
    const auto unknown = [this](const QString &key) {
        return std::any_of(m_unknownCodes.cbegin(), m_unknownCodes.cend(),
                           [&key](const QString &code) { return key.startsWith(code + QLatin1Char(':')); });
    };
    for (auto it = told.begin(); it != told.end();) {
        if (activeKeys.contains(it.key()) || unknown(it.key())) {
            ++it;
            continue;
        }
        emptied.insert(it.value().toString());
        it = told.erase(it);
    }
    for (auto it = remind.begin(); it != remind.end();)
        it = activeKeys.contains(it.key()) ? std::next(it) : remind.erase(it);

    QList<Condition> fresh;
    if (!snoozedUntil(now)) {
        for (const Condition &condition : conditions) {
            if (!told.contains(condition.key) && remind.value(condition.key).toLongLong() <= now)
                fresh.append(condition);
        }
    }
    QList<NotificationRequest> requests;
    if (machineCount(fresh) > 1) {
        // A summary replaces the one before: it tells again what that one told and is
        // still there, so nothing drops out of sight.
        QSet<QString> freshKeys;
        for (const Condition &condition : std::as_const(fresh))
            freshKeys.insert(condition.key);
        QList<Condition> grouped;
        for (const Condition &condition : conditions) {
            if (freshKeys.contains(condition.key) || told.value(condition.key).toString() == SummaryId)
                grouped.append(condition);
        }
        requests.append(summaryOf(grouped));
    } else {
        for (const Condition &condition : std::as_const(fresh))
            requests.append(requestFor(condition.finding, condition.host));
    }
    for (const NotificationRequest &request : std::as_const(requests)) {
        for (const QString &key : request.keys) {
            told.insert(key, request.id);
            remind.remove(key);
        }
    }

    // An id that no longer tells anything is withdrawn, unless a new request replaces it.
    QSet<QString> stillTelling;
    for (const QVariant &id : std::as_const(told))
        stillTelling.insert(id.toString());
    QStringList withdrawn;
    for (const QString &id : std::as_const(emptied)) {
        if (!stillTelling.contains(id))
            withdrawn.append(id);
    }
    withdrawn.sort();

    m_state.setValue(ToldKey, told);
    m_state.setValue(RemindKey, remind);
    // Saved before anyone hears of it: a crash in a slot must not make us tell twice.
    m_state.sync();
    for (const QString &id : std::as_const(withdrawn))
        Q_EMIT notificationWithdrawn(id);
    for (const NotificationRequest &request : std::as_const(requests))
        Q_EMIT notificationRequested(request);
}

void NotificationPolicy::snoozeAll(qint64 until)
{
    m_state.setValue(SnoozeKey, until);
}

std::optional<qint64> NotificationPolicy::snoozedUntil(qint64 now) const
{
    const qint64 until = m_state.value(SnoozeKey).toLongLong();
    return until > now ? std::optional<qint64>(until) : std::nullopt;
}

void NotificationPolicy::remindLater(const QString &key, qint64 until)
{
    QVariantMap told = m_state.value(ToldKey).toMap();
    told.remove(key);
    QVariantMap remind = m_state.value(RemindKey).toMap();
    remind.insert(key, until);
    m_state.setValue(ToldKey, told);
    m_state.setValue(RemindKey, remind);
}

std::optional<qint64> NotificationPolicy::nextWakeUp(qint64 now) const
{
    std::optional<qint64> next = snoozedUntil(now);
    const QVariantMap remind = m_state.value(RemindKey).toMap();
    for (const QVariant &until : remind) {
        const qint64 moment = until.toLongLong();
        if (moment > now && (!next || moment < *next))
            next = moment;
    }
    return next;
}
