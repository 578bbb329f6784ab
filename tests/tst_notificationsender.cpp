// SPDX-License-Identifier: MIT
// The tray's notifications against a real session bus and python3-dbusmock's notification
// daemon: the exact Notify calls, replacement, and actions coming back.
#include "dbusmock.h"
#include "notificationsender.h"
#include "requiredtool.h"

#include <QSignalSpy>
#include <QTest>

namespace {
const QString Service = QStringLiteral("org.freedesktop.Notifications");
const QString Path = QStringLiteral("/org/freedesktop/Notifications");

NotificationRequest rebootRequest(const QString &system)
{
    NotificationRequest request;
    request.id = QStringLiteral("reboot-required");
    request.keys = {QStringLiteral("reboot-required:") + system};
    request.code = QStringLiteral("reboot-required");
    request.urgency = NotificationRequest::Urgency::Normal;
    request.title = QStringLiteral("Reboot required");
    request.body = QStringLiteral("reboot required: linux 6.6.1 → 6.6.5");
    return request;
}

const QList<NotificationSender::Action> Actions{{QStringLiteral("details"), QStringLiteral("Details")},
                                                {QStringLiteral("remind"), QStringLiteral("Remind me tomorrow")}};
} // namespace

class TestNotificationSender : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void exactNotifyCall();
    void laterRequestOfSameIdReplaces();
    void actionReachesTheApp();
    void plainWithoutActionsCapability();
};

void TestNotificationSender::initTestCase()
{
    if (!QDBusConnection::sessionBus().isConnected())
        QFAIL("no session bus: run under dbus-run-session (ctest does)");
    NIXOS_REQUIRE_FOUND(DBusMock::python(), DBusMock::pythonMissing());
}

void TestNotificationSender::exactNotifyCall()
{
    DBusMock daemon;
    QVERIFY2(daemon.start(Service, Path, QStringLiteral("notification_daemon"), R"({"capabilities": "body actions"})"),
             qPrintable(daemon.error()));
    NotificationSender sender(QDBusConnection::sessionBus());
    QSignalSpy ready(&sender, &NotificationSender::ready);
    sender.show(rebootRequest(QStringLiteral("/nix/store/b")), Actions);  // queued until capabilities
    QVERIFY(ready.wait());
    QVERIFY(sender.supportsActions());
    QTRY_COMPARE(daemon.calls(QStringLiteral("Notify")).size(), 1);

    const QVariantList call = daemon.calls(QStringLiteral("Notify")).first();
    QCOMPARE(call.value(0).toString(), QStringLiteral("NixOS status"));        // app_name
    QCOMPARE(call.value(1).toUInt(), 0u);                                     // replaces_id
    QCOMPARE(call.value(2).toString(), QStringLiteral("nixos-tray"));          // app_icon
    QCOMPARE(call.value(3).toString(), QStringLiteral("Reboot required"));     // summary
    QCOMPARE(call.value(4).toString(), QStringLiteral("reboot required: linux 6.6.1 → 6.6.5"));
    QCOMPARE(call.value(5).toStringList(),
             (QStringList{"details", "Details", "remind", "Remind me tomorrow"}));
    const QVariantMap hints = call.value(6).toMap();
    QCOMPARE(hints.value(QStringLiteral("urgency")).toInt(), 1);
    QCOMPARE(hints.value(QStringLiteral("desktop-entry")).toString(), QStringLiteral("nixos-tray"));
    QCOMPARE(call.value(7).toInt(), -1);                                      // server's timeout
}

void TestNotificationSender::laterRequestOfSameIdReplaces()
{
    DBusMock daemon;
    QVERIFY2(daemon.start(Service, Path, QStringLiteral("notification_daemon"), R"({"capabilities": "body actions"})"),
             qPrintable(daemon.error()));
    NotificationSender sender(QDBusConnection::sessionBus());
    sender.show(rebootRequest(QStringLiteral("/nix/store/b")), Actions);
    QTRY_COMPARE(daemon.calls(QStringLiteral("Notify")).size(), 1);
    QTest::qWait(100);  // let the reply with the id arrive
    sender.show(rebootRequest(QStringLiteral("/nix/store/c")), Actions);
    QTRY_COMPARE(daemon.calls(QStringLiteral("Notify")).size(), 2);
    // The mock hands out id 1 first; the second notification replaces it.
    QCOMPARE(daemon.calls(QStringLiteral("Notify")).at(1).value(1).toUInt(), 1u);
    QTest::qWait(100);

    // Another id (the same condition on another machine) is a notification of its own.
    NotificationRequest other = rebootRequest(QStringLiteral("/nix/store/x"));
    other.id = QStringLiteral("web1:9971/reboot-required");
    sender.show(other, Actions);
    QTRY_COMPARE(daemon.calls(QStringLiteral("Notify")).size(), 3);
    QCOMPARE(daemon.calls(QStringLiteral("Notify")).at(2).value(1).toUInt(), 0u);
    QTest::qWait(100);
    // Closing by id closes that one only.
    sender.close(other.id);
    QTRY_COMPARE(daemon.calls(QStringLiteral("CloseNotification")).size(), 1);
    QCOMPARE(daemon.calls(QStringLiteral("CloseNotification")).first().value(0).toUInt(), 2u);
}

void TestNotificationSender::actionReachesTheApp()
{
    DBusMock daemon;
    QVERIFY2(daemon.start(Service, Path, QStringLiteral("notification_daemon"), R"({"capabilities": "body actions"})"),
             qPrintable(daemon.error()));
    NotificationSender sender(QDBusConnection::sessionBus());
    QSignalSpy invoked(&sender, &NotificationSender::actionInvoked);
    sender.show(rebootRequest(QStringLiteral("/nix/store/b")), Actions);
    QTRY_COMPARE(daemon.calls(QStringLiteral("Notify")).size(), 1);
    QTest::qWait(100);
    // The user clicks "Remind me tomorrow" on notification 1.
    QVERIFY(daemon.emitSignal(Service, QStringLiteral("ActionInvoked"), QStringLiteral("us"),
                              {QVariant::fromValue(1u), QStringLiteral("remind")}));
    QVERIFY(invoked.wait());
    QCOMPARE(invoked.first().value(0).toStringList(), QStringList{"reboot-required:/nix/store/b"});
    QCOMPARE(invoked.first().value(1).toString(), QStringLiteral("remind"));
    // Someone else's notification's actions are not ours.
    QVERIFY(daemon.emitSignal(Service, QStringLiteral("ActionInvoked"), QStringLiteral("us"),
                              {QVariant::fromValue(77u), QStringLiteral("remind")}));
    QTest::qWait(200);
    QCOMPARE(invoked.count(), 1);
}

void TestNotificationSender::plainWithoutActionsCapability()
{
    DBusMock daemon;  // the template's default capabilities have no "actions"
    QVERIFY2(daemon.start(Service, Path, QStringLiteral("notification_daemon")), qPrintable(daemon.error()));
    NotificationSender sender(QDBusConnection::sessionBus());
    QSignalSpy ready(&sender, &NotificationSender::ready);
    QVERIFY(ready.wait());
    QVERIFY(!sender.supportsActions());
    sender.show(rebootRequest(QStringLiteral("/nix/store/b")), Actions);
    QTRY_COMPARE(daemon.calls(QStringLiteral("Notify")).size(), 1);
    QVERIFY(daemon.calls(QStringLiteral("Notify")).first().value(5).toStringList().isEmpty());
}

QTEST_GUILESS_MAIN(TestNotificationSender)
#include "tst_notificationsender.moc"
