// SPDX-License-Identifier: MIT
#include "notificationpolicy.h"

namespace {
const QString ToldKey = QStringLiteral("notifications/told");
const QString SnoozeKey = QStringLiteral("notifications/snoozedUntil");
const QString RemindKey = QStringLiteral("notifications/remindLater");

QString codeOf(const QString &key)
{
    return key.section(QLatin1Char(':'), 0, 0);
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

NotificationRequest NotificationPolicy::requestFor(const Assessment::Finding &finding)
{
    NotificationRequest request;
    request.key = finding.key;
    request.code = finding.code;
    request.body = finding.message;
    if (finding.code == QLatin1String("reboot-required")) {
        request.title = QStringLiteral("Reboot required");
        request.urgency = NotificationRequest::Urgency::Normal;
    } else if (finding.code == QLatin1String("source-failed")) {
        request.title = QStringLiteral("Cannot read the system state");
        request.urgency = NotificationRequest::Urgency::Critical;
    } else if (finding.code == QLatin1String("nixpkgs-unmaintained")) {
        request.title = QStringLiteral("nixpkgs branch no longer maintained");
        request.urgency = NotificationRequest::Urgency::Normal;
    } else if (finding.code == QLatin1String("auto-upgrade-failed")) {
        request.title = QStringLiteral("Auto-upgrade failed");
        request.urgency = NotificationRequest::Urgency::Normal;
    } else if (finding.code == QLatin1String("auto-upgrade-overdue") || finding.code == QLatin1String("gc-overdue")) {
        request.title = QStringLiteral("Maintenance has stopped running");
        request.urgency = NotificationRequest::Urgency::Normal;
    } else if (finding.code == QLatin1String("nixpkgs-stale")) {
        request.title = QStringLiteral("nixpkgs is out of date");
        request.urgency = NotificationRequest::Urgency::Low;
    } else {
        request.title = QStringLiteral("NixOS generation is old");
        request.urgency = NotificationRequest::Urgency::Low;
    }
    return request;
}

void NotificationPolicy::update(const Assessment &assessment, qint64 now)
{
    QSet<QString> activeKeys;
    QSet<QString> activeCodes;
    for (const Assessment::Finding &finding : assessment.findings) {
        if (m_enabledCodes.contains(finding.code)) {
            activeKeys.insert(finding.key);
            activeCodes.insert(finding.code);
        }
    }

    // Forget conditions that are gone, so that they are told again if they come back.
    QStringList told = m_state.value(ToldKey).toStringList();
    QVariantMap remind = m_state.value(RemindKey).toMap();
    QSet<QString> withdrawn;
    for (auto it = told.begin(); it != told.end();) {
        if (activeKeys.contains(*it)) {
            ++it;
            continue;
        }
        if (!activeCodes.contains(codeOf(*it)))
            withdrawn.insert(codeOf(*it));
        it = told.erase(it);
    }
    for (auto it = remind.begin(); it != remind.end();)
        it = activeKeys.contains(it.key()) ? std::next(it) : remind.erase(it);

    QList<NotificationRequest> requests;
    if (!snoozedUntil(now)) {
        for (const Assessment::Finding &finding : assessment.findings) {
            if (!activeKeys.contains(finding.key) || told.contains(finding.key)
                || remind.value(finding.key).toLongLong() > now)
                continue;
            told.append(finding.key);
            remind.remove(finding.key);
            requests.append(requestFor(finding));
        }
    }
    m_state.setValue(ToldKey, told);
    m_state.setValue(RemindKey, remind);
    // Saved before anyone hears of it: a crash in a slot must not make us tell twice.
    m_state.sync();
    for (const QString &code : std::as_const(withdrawn))
        Q_EMIT notificationWithdrawn(code);
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
    QStringList told = m_state.value(ToldKey).toStringList();
    told.removeAll(key);
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
