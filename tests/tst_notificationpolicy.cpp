// SPDX-License-Identifier: MIT
// The tray's notification logic without a display or a bus: assessments in, requests out.
// Once per condition per machine, a fleet's first look in one summary, replacement by id.
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

HostStatus host(const QString &name, const QList<Assessment::Finding> &findings)
{
    HostStatus status;
    status.host = name;
    status.assessment = with(findings);
    return status;
}

NotificationRequest requestAt(const QSignalSpy &spy, qsizetype index)
{
    return spy.at(index).first().value<NotificationRequest>();
}

QStringList keysOf(const QSignalSpy &spy)
{
    QStringList keys;
    for (const QList<QVariant> &call : spy)
        keys.append(call.first().value<NotificationRequest>().keys);
    return keys;
}

QStringList idsOf(const QSignalSpy &spy)
{
    QStringList ids;
    for (const QList<QVariant> &call : spy)
        ids.append(call.first().toString());
    return ids;
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
    void everyCodeHasItsTitleAndUrgency();
    void oncePerConditionPerHost();
    void fleetStartIsOneSummary();
    void laterSummaryReplacesAndKeepsWhatIsStillThere();
    void summaryWithdrawnWhenAllItToldIsGone();
    void remindLaterOfASummary();
    void unknownIsNotCleared();

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
    policy.update(with({}), {}, T0);
    QCOMPARE(requested.count(), 0);
    policy.update(with({reboot("/nix/store/b")}), {}, T0 + 1);
    policy.update(with({reboot("/nix/store/b")}), {}, T0 + 2);  // rescans: same condition
    policy.update(with({reboot("/nix/store/b")}), {}, T0 + Day);
    QCOMPARE(keysOf(requested), QStringList{"reboot-required:/nix/store/b"});
    const NotificationRequest request = requested.first().first().value<NotificationRequest>();
    QCOMPARE(request.title, QStringLiteral("Reboot required"));
    QCOMPARE(request.body, QStringLiteral("reboot required: linux 6.6.1 → 6.6.5"));
    QCOMPARE(request.code, QStringLiteral("reboot-required"));
    QCOMPARE(request.id, QStringLiteral("reboot-required"));
}

void TestNotificationPolicy::newConditionOfSameKindIsToldAgain()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    QSignalSpy withdrawn(&policy, &NotificationPolicy::notificationWithdrawn);
    policy.update(with({reboot("/nix/store/b")}), {}, T0);
    // Another switch before the reboot: new reason, told (and replacing, by code).
    policy.update(with({reboot("/nix/store/c")}), {}, T0 + 60);
    QCOMPARE(keysOf(requested), (QStringList{"reboot-required:/nix/store/b", "reboot-required:/nix/store/c"}));
    QCOMPARE(requestAt(requested, 1).id, requestAt(requested, 0).id);
    QCOMPARE(withdrawn.count(), 0);  // replaced, not closed
}

void TestNotificationPolicy::clearedConditionIsWithdrawnAndToldWhenBack()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    QSignalSpy withdrawn(&policy, &NotificationPolicy::notificationWithdrawn);
    policy.update(with({failure()}), {}, T0);
    policy.update(with({}), {}, T0 + 10);  // the lock was fixed
    QCOMPARE(withdrawn.count(), 1);
    QCOMPARE(withdrawn.first().first().toString(), QStringLiteral("source-failed"));
    policy.update(with({failure()}), {}, T0 + 20);  // broken again: a new transition
    QCOMPARE(requested.count(), 2);
}

void TestNotificationPolicy::restartDoesNotRepeat()
{
    {
        QSettings state(settingsFile(), QSettings::IniFormat);
        NotificationPolicy policy(state);
        policy.update(with({reboot("/nix/store/b"), staleNixpkgs()}), {}, T0);
    }
    // A new tray process, same settings file, same conditions: silence.
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    policy.update(with({reboot("/nix/store/b"), staleNixpkgs()}), {}, T0 + 3600);
    QCOMPARE(requested.count(), 0);
    // But a condition that arose while it was not running is told.
    policy.update(with({reboot("/nix/store/b"), staleNixpkgs(), failure()}), {}, T0 + 3601);
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
    policy.update(with({reboot("/nix/store/b")}), {}, T0 + 1);
    QCOMPARE(requested.count(), 0);
    policy.update(with({reboot("/nix/store/b")}), {}, T0 + Day);  // snooze over
    QCOMPARE(requested.count(), 1);
    QVERIFY(!policy.snoozedUntil(T0 + Day));
    QVERIFY(!policy.nextWakeUp(T0 + Day));
}

void TestNotificationPolicy::remindLaterForOneCondition()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    policy.update(with({reboot("/nix/store/b"), staleNixpkgs()}), {}, T0);
    QCOMPARE(requested.count(), 2);
    policy.remindLater(QStringLiteral("reboot-required:/nix/store/b"), T0 + Day);
    QCOMPARE(policy.nextWakeUp(T0 + 5), std::optional<qint64>(T0 + Day));
    policy.update(with({reboot("/nix/store/b"), staleNixpkgs()}), {}, T0 + 10);
    QCOMPARE(requested.count(), 2);
    policy.update(with({reboot("/nix/store/b"), staleNixpkgs()}), {}, T0 + Day + 1);
    QCOMPARE(keysOf(requested).last(), QStringLiteral("reboot-required:/nix/store/b"));
    QCOMPARE(requested.count(), 3);
    // A reminder for a condition that went away is dropped with it.
    policy.remindLater(QStringLiteral("nixpkgs-stale:1786245335"), T0 + 5 * Day);
    policy.update(with({reboot("/nix/store/b")}), {}, T0 + Day + 2);
    QVERIFY(!policy.nextWakeUp(T0 + Day + 2));
}

void TestNotificationPolicy::disabledCodesStayQuiet()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    policy.setEnabledCodes({QStringLiteral("reboot-required")});
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    policy.update(with({staleNixpkgs(), failure(), reboot("/nix/store/b")}), {}, T0);
    QCOMPARE(keysOf(requested), QStringList{"reboot-required:/nix/store/b"});
}

void TestNotificationPolicy::requestsCarryUrgencyBySeverity()
{
    QCOMPARE(NotificationPolicy::requestFor(failure()).urgency, NotificationRequest::Urgency::Critical);
    QCOMPARE(NotificationPolicy::requestFor(reboot("/x")).urgency, NotificationRequest::Urgency::Normal);
    QCOMPARE(NotificationPolicy::requestFor(staleNixpkgs()).urgency, NotificationRequest::Urgency::Low);
}

// Each code the user can tick in Settings is told with its own words: a code added to AllCodes
// without a title here would read as "NixOS generation is old".
void TestNotificationPolicy::everyCodeHasItsTitleAndUrgency()
{
    using Urgency = NotificationRequest::Urgency;
    const QMap<QString, std::pair<QString, Urgency>> expected{
        {"reboot-required", {"Reboot required", Urgency::Normal}},
        {"generation-stale", {"NixOS generation is old", Urgency::Low}},
        {"nixpkgs-stale", {"nixpkgs is out of date", Urgency::Low}},
        {"nixpkgs-unmaintained", {"nixpkgs branch no longer maintained", Urgency::Normal}},
        {"source-failed", {"Cannot read the system state", Urgency::Critical}},
        {"auto-upgrade-failed", {"Auto-upgrade failed", Urgency::Normal}},
        {"auto-upgrade-overdue", {"Maintenance has stopped running", Urgency::Normal}},
        {"gc-overdue", {"Maintenance has stopped running", Urgency::Normal}},
        {"boot-full", {"/boot is nearly full", Urgency::Normal}},
    };
    QStringList codes = NotificationPolicy::AllCodes;
    codes.sort();
    QCOMPARE(QStringList(expected.keys()), codes);
    for (const QString &code : NotificationPolicy::AllCodes) {
        const Assessment::Finding finding{code, Assessment::Level::Attention, QStringLiteral("message"), code};
        const NotificationRequest request = NotificationPolicy::requestFor(finding);
        QCOMPARE(request.title, expected.value(code).first);
        QCOMPARE(request.urgency, expected.value(code).second);
        QCOMPARE(NotificationPolicy::requestFor(finding, QStringLiteral("web1")).title,
                 expected.value(code).first + QStringLiteral(" on web1"));
    }
}

void TestNotificationPolicy::oncePerConditionPerHost()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    policy.update(with({}), {host("web1:9971", {}), host("web2:9971", {})}, T0);
    QCOMPARE(requested.count(), 0);
    // The same condition on one machine, then on another: one notification each, neither
    // replacing the other.
    policy.update(with({}), {host("web1:9971", {reboot("/nix/store/b")}), host("web2:9971", {})}, T0 + 1);
    policy.update(with({}), {host("web1:9971", {reboot("/nix/store/b")}), host("web2:9971", {reboot("/nix/store/b")})},
                  T0 + 2);
    for (int i = 0; i < 3; ++i)  // polls: the same conditions
        policy.update(with({}), {host("web1:9971", {reboot("/nix/store/b")}), host("web2:9971", {reboot("/nix/store/b")})},
                      T0 + 3 + i);
    QCOMPARE(requested.count(), 2);
    QCOMPARE(requestAt(requested, 0).id, QStringLiteral("web1:9971/reboot-required"));
    QCOMPARE(requestAt(requested, 0).keys, QStringList{"web1:9971/reboot-required:/nix/store/b"});
    QCOMPARE(requestAt(requested, 0).title, QStringLiteral("Reboot required on web1:9971"));
    QCOMPARE(requestAt(requested, 1).id, QStringLiteral("web2:9971/reboot-required"));
    // A second switch on web1 replaces web1's notification.
    policy.update(with({}), {host("web1:9971", {reboot("/nix/store/c")}), host("web2:9971", {reboot("/nix/store/b")})},
                  T0 + 10);
    QCOMPARE(requested.count(), 3);
    QCOMPARE(requestAt(requested, 2).id, QStringLiteral("web1:9971/reboot-required"));
}

void TestNotificationPolicy::fleetStartIsOneSummary()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    const QList<HostStatus> hosts{host("web1:9971", {failure()}),
                                  host("web2:9971", {reboot("/nix/store/w"), staleNixpkgs()}),
                                  host("web3:9971", {})};
    policy.update(with({reboot("/nix/store/b")}), hosts, T0);
    QCOMPARE(requested.count(), 1);
    const NotificationRequest summary = requestAt(requested, 0);
    QCOMPARE(summary.id, NotificationPolicy::SummaryId);
    QCOMPARE(summary.title, QStringLiteral("3 machines need attention"));
    QCOMPARE(summary.body, QStringLiteral("this machine: reboot required: linux 6.6.1 → 6.6.5\n"
                                          "web1:9971: cannot read flake state: broken\n"
                                          "web2:9971: reboot required: linux 6.6.1 → 6.6.5; nixpkgs is 41 days old"));
    QCOMPARE(summary.keys, (QStringList{"reboot-required:/nix/store/b", "web1:9971/source-failed:flake",
                                        "web2:9971/reboot-required:/nix/store/w", "web2:9971/nixpkgs-stale:1786245335"}));
    QCOMPARE(summary.urgency, NotificationRequest::Urgency::Critical);  // the worst in it
    QVERIFY(summary.code.isEmpty());
    // The next polls find the same: silence, also after a restart.
    policy.update(with({reboot("/nix/store/b")}), hosts, T0 + 300);
    NotificationPolicy restarted(state);
    QSignalSpy requestedAfterRestart(&restarted, &NotificationPolicy::notificationRequested);
    restarted.update(with({reboot("/nix/store/b")}), hosts, T0 + 600);
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requestedAfterRestart.count(), 0);
}

void TestNotificationPolicy::laterSummaryReplacesAndKeepsWhatIsStillThere()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    QSignalSpy withdrawn(&policy, &NotificationPolicy::notificationWithdrawn);
    policy.update(with({staleNixpkgs()}), {host("web1:9971", {reboot("/nix/store/b")}), host("web2:9971", {})}, T0);
    QCOMPARE(requestAt(requested, 0).title, QStringLiteral("2 machines need attention"));
    // web1 switched again and web2 needs a reboot too: both new at once, so again a summary,
    // replacing the first and still naming this machine's stale nixpkgs.
    policy.update(with({staleNixpkgs()}),
                  {host("web1:9971", {reboot("/nix/store/c")}), host("web2:9971", {reboot("/nix/store/d")})}, T0 + 60);
    QCOMPARE(requested.count(), 2);
    const NotificationRequest second = requestAt(requested, 1);
    QCOMPARE(second.id, NotificationPolicy::SummaryId);
    QCOMPARE(second.title, QStringLiteral("3 machines need attention"));
    QVERIFY2(second.body.startsWith(QStringLiteral("this machine: nixpkgs is 41 days old\n")), qPrintable(second.body));
    QCOMPARE(withdrawn.count(), 0);
    // One machine alone changes: its own notification.
    policy.update(with({staleNixpkgs()}),
                  {host("web1:9971", {reboot("/nix/store/e")}), host("web2:9971", {reboot("/nix/store/d")})}, T0 + 120);
    QCOMPARE(requested.count(), 3);
    QCOMPARE(requestAt(requested, 2).id, QStringLiteral("web1:9971/reboot-required"));
    QCOMPARE(withdrawn.count(), 0);  // the summary still tells the others
}

void TestNotificationPolicy::summaryWithdrawnWhenAllItToldIsGone()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    QSignalSpy withdrawn(&policy, &NotificationPolicy::notificationWithdrawn);
    policy.update(with({reboot("/nix/store/b")}), {host("web1:9971", {failure()})}, T0);
    policy.update(with({}), {host("web1:9971", {failure()})}, T0 + 60);  // rebooted here
    QCOMPARE(withdrawn.count(), 0);
    policy.update(with({}), {host("web1:9971", {})}, T0 + 120);  // web1 fixed too
    QCOMPARE(idsOf(withdrawn), QStringList{NotificationPolicy::SummaryId});
    // web1 breaks again: a condition that came back is told again, alone.
    policy.update(with({}), {host("web1:9971", {failure()})}, T0 + 180);
    QCOMPARE(requested.count(), 2);
    QCOMPARE(requestAt(requested, 1).id, QStringLiteral("web1:9971/source-failed"));
    QCOMPARE(requestAt(requested, 1).title, QStringLiteral("Cannot read the system state on web1:9971"));
}

void TestNotificationPolicy::remindLaterOfASummary()
{
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    const QList<HostStatus> hosts{host("web1:9971", {failure()})};
    policy.update(with({reboot("/nix/store/b")}), hosts, T0);
    for (const QString &key : requestAt(requested, 0).keys)
        policy.remindLater(key, T0 + Day);
    QCOMPARE(policy.nextWakeUp(T0 + 1), std::optional<qint64>(T0 + Day));
    policy.update(with({reboot("/nix/store/b")}), hosts, T0 + 10);
    QCOMPARE(requested.count(), 1);
    policy.update(with({reboot("/nix/store/b")}), hosts, T0 + Day);
    QCOMPARE(requested.count(), 2);
    QCOMPARE(requestAt(requested, 1).id, NotificationPolicy::SummaryId);
    QCOMPARE(requestAt(requested, 1).keys, requestAt(requested, 0).keys);
}

void TestNotificationPolicy::unknownIsNotCleared()
{
    const Assessment::Finding upgrade{QStringLiteral("upgrade-available"), Assessment::Level::Attention,
                                      QStringLiteral("nixos-26.05 is at 0123456, this system's nixpkgs at 33ddeb9"),
                                      QStringLiteral("upgrade-available:nixos-26.05")};
    QSettings state(settingsFile(), QSettings::IniFormat);
    NotificationPolicy policy(state);
    policy.setEnabledCodes(NotificationPolicy::AllCodes + QStringList{upgrade.code});
    QSignalSpy requested(&policy, &NotificationPolicy::notificationRequested);
    QSignalSpy withdrawn(&policy, &NotificationPolicy::notificationWithdrawn);
    policy.update(with({upgrade}), {}, T0);
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requestAt(requested, 0).title, QStringLiteral("Upgrade available"));
    QCOMPARE(requestAt(requested, 0).urgency, NotificationRequest::Urgency::Low);
    // A restart: the check has not answered yet. Not known is not gone.
    policy.setUnknownCodes({upgrade.code});
    policy.update(with({}), {}, T0 + 60);
    policy.setUnknownCodes({});
    policy.update(with({upgrade}), {}, T0 + 120);
    QCOMPARE(requested.count(), 1);
    QCOMPARE(withdrawn.count(), 0);
    // Upgraded: gone, withdrawn; behind again later: told again.
    policy.update(with({}), {}, T0 + 180);
    QCOMPARE(idsOf(withdrawn), QStringList{"upgrade-available"});
    policy.update(with({upgrade}), {}, T0 + 240);
    QCOMPARE(requested.count(), 2);
}

QTEST_GUILESS_MAIN(TestNotificationPolicy)
#include "tst_notificationpolicy.moc"
