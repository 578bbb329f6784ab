// SPDX-License-Identifier: MIT
#pragma once

#include "assessment.h"

#include <QObject>
#include <QSet>
#include <QSettings>

#include <optional>

// What to tell the user, once.
struct NotificationRequest
{
    enum class Urgency { Low = 0, Normal = 1, Critical = 2 };  // the spec's byte values

    QString key;    // the finding's key: what was told
    QString code;   // the finding's code: notifications of one code replace each other
    Urgency urgency = Urgency::Normal;
    QString title;
    QString body;
    bool operator==(const NotificationRequest &) const = default;
};

// Turns a stream of assessments into notification requests: one per new condition (by
// Assessment::Finding::key), none while snoozed, none again after a restart for a
// condition already told (the told keys live in QSettings), a withdrawal when a condition
// is gone. UI-free: it knows nothing of D-Bus or widgets.
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
                                              QStringLiteral("gc-overdue")};

    explicit NotificationPolicy(QSettings &state, QObject *parent = nullptr);

    // Which finding codes may notify; all by default.
    void setEnabledCodes(const QStringList &codes);

    // Call with every new assessment, and again at nextWakeUp().
    void update(const Assessment &assessment, qint64 now);

    // Nothing is told until `until`; conditions still there then are told.
    void snoozeAll(qint64 until);
    std::optional<qint64> snoozedUntil(qint64 now) const;
    // "Remind me later" for one condition: told again at `until` if it is still there.
    void remindLater(const QString &key, qint64 until);

    // The next moment update() may have something new to say by time alone.
    std::optional<qint64> nextWakeUp(qint64 now) const;

    static NotificationRequest requestFor(const Assessment::Finding &finding);

Q_SIGNALS:
    void notificationRequested(const NotificationRequest &request);
    void notificationWithdrawn(const QString &code);

private:
    QSettings &m_state;
    QSet<QString> m_enabledCodes;
};
