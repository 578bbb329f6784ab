// SPDX-License-Identifier: MIT
#pragma once

#include "assessment.h"
#include "hoststatus.h"

#include <QObject>
#include <QSet>
#include <QSettings>

#include <optional>

// What to tell the user, once.
struct NotificationRequest
{
    enum class Urgency { Low = 0, Normal = 1, Critical = 2 };  // the spec's byte values

    // Notifications with the same id replace each other (the sender turns it into the
    // server's replaces_id): one per kind of condition per machine ("reboot-required" here,
    // "web1:9971/reboot-required" there), and one for all summaries (SummaryId).
    QString id;
    QStringList keys;  // the conditions it tells, as the policy remembers them
    QString code;      // the finding's code; empty for a summary
    Urgency urgency = Urgency::Normal;
    QString title;
    QString body;
    bool operator==(const NotificationRequest &) const = default;
};

// Turns a stream of assessments (this machine's and other machines') into notification
// requests. At most one per condition per machine (by Assessment::Finding::key, remembered
// in QSettings across restarts), none while snoozed; a condition that clears is forgotten,
// so it is told again when it comes back. New conditions on several machines at once (a
// fleet seen for the first time) are told in one summary. A notification is withdrawn when
// every condition it told is gone. UI-free: it knows nothing of D-Bus or widgets.
class NotificationPolicy : public QObject
{
    Q_OBJECT
public:
    static inline const QStringList AllCodes{QStringLiteral("reboot-required"),
                                              QStringLiteral("generation-stale"),
                                              QStringLiteral("nixpkgs-stale"),
                                              QStringLiteral("nixpkgs-unmaintained"),
                                              QStringLiteral("source-failed"),
                                              QStringLiteral("auto-upgrade-failed"),
                                              QStringLiteral("auto-upgrade-overdue"),
                                              QStringLiteral("gc-overdue"),
                                              QStringLiteral("boot-full")};
    static inline const QString SummaryId = QStringLiteral("summary");

    explicit NotificationPolicy(QSettings &state, QObject *parent = nullptr);

    // Which finding codes may notify; AllCodes by default.
    void setEnabledCodes(const QStringList &codes);
    // Codes whose conditions on this machine cannot be seen for now (the upgrade check before
    // its first answer): what was told of them is kept, not forgotten, so that it is not told
    // again once they can be seen.
    void setUnknownCodes(const QStringList &codes);

    // Call with every new assessment, and again at nextWakeUp(). `local` is this machine,
    // `hosts` the other machines of the fleet view.
    void update(const Assessment &local, const QList<HostStatus> &hosts, qint64 now);

    // Nothing is told until `until`; conditions still there then are told.
    void snoozeAll(qint64 until);
    std::optional<qint64> snoozedUntil(qint64 now) const;
    // "Remind me later" for one condition (a key of a request): told again at `until` if it
    // is still there.
    void remindLater(const QString &key, qint64 until);

    // The next moment update() may have something new to say by time alone.
    std::optional<qint64> nextWakeUp(qint64 now) const;

    // The request for one condition of this machine (host empty) or of another one.
    static NotificationRequest requestFor(const Assessment::Finding &finding, const QString &host = {});

Q_SIGNALS:
    void notificationRequested(const NotificationRequest &request);
    void notificationWithdrawn(const QString &id);

private:
    QSettings &m_state;
    QSet<QString> m_enabledCodes;
    QStringList m_unknownCodes;
};
