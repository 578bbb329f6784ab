// SPDX-License-Identifier: MIT
// The tray's notification logic without a display or a bus: assessments in, requests out.
#include "notificationpolicy.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {
constexpr qint64 Day = Thresholds::Day;
constexpr qint64 T0 = 1'800'000'000;

Assessment::Finding reboot(const QString &system)
{
    return {QStringLiteral("reboot-required"), Assessment::Level::Attention,
            QStringLiteral("reboot required: linux 6.6.1 → 6.6.5"), QStringLiteral("reboot-required:") + system};
}

Assessment::Finding staleNixpkgs()
{
    return {QStringLiteral("nixpkgs-stale"), Assessment::Level::Attention, QStringLiteral("nixpkgs is 41 days old"),
            QStringLiteral("nixpkgs-stale:1786245335")};
}

Assessment::Finding failure()
{
    return {QStringLiteral("source-failed"), Assessment::Level::Error,
            QStringLiteral("cannot read flake state: broken"), QStringLiteral("source-failed:flake")};
}

Assessment with(const QList<Assessment::Finding> &findings)
{
    Assessment a;
    a.findings = findings;
    a.level = findings.isEmpty() ? Assessment::Level::Ok : Assessment::Level::Attention;
    return a;
}

QStringList keysOf(const QSignalSpy &spy)
{
    QStringList keys;
    for (const QList<QVariant> &call : spy)
        keys.append(call.first().value<NotificationRequest>().key);
    return keys;
}
} // namespace

Q_DECLARE_METATYPE(NotificationRequest)

class TestNotificationPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void oncePerTransition();
    void newConditionOfSameKindIsToldAgain();
    void clearedConditionIsWithdrawnAndToldWhenBack();
    void restartDoesNotRepeat();
    void snoozeHoldsBackUntilItEnds();
    void remindLaterForOneCondition();
    void disabledCodesStayQuiet();
    void requestsCarryUrgencyBySeverity();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString settingsFile() const { return m_dir->filePath(QStringLiteral("state.ini")); }
};

void TestNotificationPolicy::init()
{
    qRegisterMetaType<NotificationRequest>();
    m_dir = std::make_unique<QTemporaryDir>();
}

void TestNotificationPolicy::oncePerTransition()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    policy.update(with({}), T0);
    QCOMPARE(requested.count(), 0);
    policy.update(with({reboot("/nix/store/b")}), T0 + 1);
    policy.update(with({reboot("/nix/store/b")}), T0 + 2);  // rescans: same condition
    policy.update(with({reboot("/nix/store/b")}), T0 + Day);
    QCOMPARE(keysOf(requested), QStringList{"reboot-required:/nix/store/b"});
    const NotificationRequest request = requested.first().first().value<NotificationRequest>();
    QCOMPARE(request.title, QStringLiteral("Reboot required"));
    QCOMPARE(request.body, QStringLiteral("reboot required: linux 6.6.1 → 6.6.5"));
    QCOMPARE(request.code, QStringLiteral("reboot-required"));
}

void TestNotificationPolicy::newConditionOfSameKindIsToldAgain()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    QSignalSpy withdrawn(&policy, &NotificationPolicy::notificationWithdrawn);
    policy.update(with({reboot("/nix/store/b")}), T0);
    // Another switch before the reboot: new reason, told (and replacing, by code).
    policy.update(with({reboot("/nix/store/c")}), T0 + 60);
    QCOMPARE(keysOf(requested), (QStringList{"reboot-required:/nix/store/b", "reboot-required:/nix/store/c"}));
    QCOMPARE(withdrawn.count(), 0);  // replaced, not closed
}

void TestNotificationPolicy::clearedConditionIsWithdrawnAndToldWhenBack()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    QSignalSpy withdrawn(&policy, &NotificationPolicy::notificationWithdrawn);
    policy.update(with({failure()}), T0);
    policy.update(with({}), T0 + 10);  // the lock was fixed
    QCOMPARE(withdrawn.count(), 1);
    QCOMPARE(withdrawn.first().first().toString(), QStringLiteral("source-failed"));
    policy.update(with({failure()}), T0 + 20);  // broken again: a new transition
    QCOMPARE(requested.count(), 2);
}

void TestNotificationPolicy::restartDoesNotRepeat()
{
    {
        QSettings state(settingsFile(), QSettings::IniFormat);
        NotificationPolicy policy(state);
        policy.update(with({reboot("/nix/store/b"), staleNixpkgs()}), T0);
    }
    // A new tray process, same settings file, same conditions: silence.
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    policy.update(with({reboot("/nix/store/b"), staleNixpkgs()}), T0 + 3600);
    QCOMPARE(requested.count(), 0);
    // But a condition that arose while it was not running is told.
    policy.update(with({reboot("/nix/store/b"), staleNixpkgs(), failure()}), T0 + 3601);
    QCOMPARE(keysOf(requested), QStringList{"source-failed:flake"});
}

void TestNotificationPolicy::snoozeHoldsBackUntilItEnds()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    policy.snoozeAll(T0 + Day);
    QCOMPARE(policy.snoozedUntil(T0), std::optional<qint64>(T0 + Day));
    QCOMPARE(policy.nextWakeUp(T0), std::optional<qint64>(T0 + Day));
    policy.update(with({reboot("/nix/store/b")}), T0 + 1);
    QCOMPARE(requested.count(), 0);
    policy.update(with({reboot("/nix/store/b")}), T0 + Day);  // snooze over
    QCOMPARE(requested.count(), 1);
    QVERIFY(!policy.snoozedUntil(T0 + Day));
    QVERIFY(!policy.nextWakeUp(T0 + Day));
}

void TestNotificationPolicy::remindLaterForOneCondition()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    policy.update(with({reboot("/nix/store/b"), staleNixpkgs()}), T0);
    QCOMPARE(requested.count(), 2);
    policy.remindLater(QStringLiteral("reboot-required:/nix/store/b"), T0 + Day);
    QCOMPARE(policy.nextWakeUp(T0 + 5), std::optional<qint64>(T0 + Day));
    policy.update(with({reboot("/nix/store/b"), staleNixpkgs()}), T0 + 10);
    QCOMPARE(requested.count(), 2);
    policy.update(with({reboot("/nix/store/b"), staleNixpkgs()}), T0 + Day + 1);
    QCOMPARE(keysOf(requested).last(), QStringLiteral("reboot-required:/nix/store/b"));
    QCOMPARE(requested.count(), 3);
    // A reminder for a condition that went away is dropped with it.
    policy.remindLater(QStringLiteral("nixpkgs-stale:1786245335"), T0 + 5 * Day);
    policy.update(with({reboot("/nix/store/b")}), T0 + Day + 2);
    QVERIFY(!policy.nextWakeUp(T0 + Day + 2));
}

void TestNotificationPolicy::disabledCodesStayQuiet()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    policy.setEnabledCodes({QStringLiteral("reboot-required")});
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    policy.update(with({staleNixpkgs(), failure(), reboot("/nix/store/b")}), T0);
    QCOMPARE(keysOf(requested), QStringList{"reboot-required:/nix/store/b"});
}

void TestNotificationPolicy::requestsCarryUrgencyBySeverity()
{
    QCOMPARE(NotificationPolicy::requestFor(failure()).urgency, NotificationRequest::Urgency::Critical);
    QCOMPARE(NotificationPolicy::requestFor(reboot("/x")).urgency, NotificationRequest::Urgency::Normal);
    QCOMPARE(NotificationPolicy::requestFor(staleNixpkgs()).urgency, NotificationRequest::Urgency::Low);
}

QTEST_GUILESS_MAIN(TestNotificationPolicy)
#include "tst_notificationpolicy.moc"
