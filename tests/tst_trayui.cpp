// SPDX-License-Identifier: MIT
// nixos-tray as a user meets it, under Xvfb with a private session bus: the icon registers
// with a StatusNotifierWatcher (waiting for one that comes late), notifications go to the
// notification daemon and their actions come back, the details window shows the fixture.
#include "dbusmock.h"
#include "detailswindow.h"
#include "goldenfixture.h"
#include "rebooter.h"
#include "requiredtool.h"
#include "snapshotreader.h"
#include "systemlayout.h"
#include "statustext.h"
#include "trayapplication.h"

#include <QApplication>
#include <QDBusPendingCall>
#include <QDBusVariant>
#include <QImage>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {
const QString NotificationsService = QStringLiteral("org.freedesktop.Notifications");
const QString NotificationsPath = QStringLiteral("/org/freedesktop/Notifications");
const QString WatcherTemplate = QStringLiteral(NIXOS_SOURCE_DIR "/tests/dbus/statusnotifierwatcher.py");

DetailsWindow *visibleDetailsWindow()
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (auto *details = qobject_cast<DetailsWindow *>(widget); details && details->isVisible())
            return details;
    }
    return nullptr;
}
} // namespace

class TestTrayUi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void iconWaitsForTheHostThenRegisters();
    void notificationsAndTheirActions();
    void detailsWindowShowsTheFixture();
    void rebootThroughLogind();

private:
    TrayApplication::Options options() const;

    std::unique_ptr<FixtureTree> m_tree;
    std::unique_ptr<QTemporaryDir> m_settingsDir;
    std::unique_ptr<QSettings> m_settings;
};

void TestTrayUi::initTestCase()
{
    QVERIFY2(QDBusConnection::sessionBus().isConnected(), "run under dbus-run-session (ctest does)");
    QVERIFY2(QGuiApplication::platformName() == QLatin1String("xcb"), "run under xvfb-run (ctest does)");
    NIXOS_REQUIRE_FOUND(DBusMock::python(), DBusMock::pythonMissing());
    QStandardPaths::setTestModeEnabled(true);
}

void TestTrayUi::init()
{
    m_tree = std::make_unique<FixtureTree>();
    // The tray reads the real clock: the current generation is an hour old on any date.
    GoldenFixture::build(*m_tree, QDateTime::currentSecsSinceEpoch() - 3600);
    m_settingsDir = std::make_unique<QTemporaryDir>();
    m_settings = std::make_unique<QSettings>(m_settingsDir->filePath(QStringLiteral("tray.ini")), QSettings::IniFormat);
}

void TestTrayUi::cleanup()
{
    for (QWidget *widget : QApplication::topLevelWidgets())
        widget->close();
    m_settings.reset();
    m_tree.reset();
}

TrayApplication::Options TestTrayUi::options() const
{
    TrayApplication::Options options;
    options.root = m_tree->root();
    options.systemBus = QDBusConnection::sessionBus();  // no logind here: Reboot stays hidden
    return options;
}

void TestTrayUi::iconWaitsForTheHostThenRegisters()
{
    TrayApplication tray(options(), *m_settings);
    tray.start();
    QTest::qWait(300);
    QVERIFY(!tray.icon().isVisible());  // no panel yet

    DBusMock watcher;  // the panel starts
    QVERIFY2(watcher.start(QStringLiteral("org.kde.StatusNotifierWatcher"), QStringLiteral("/StatusNotifierWatcher"),
                           WatcherTemplate),
             qPrintable(watcher.error()));
    QTRY_VERIFY(tray.icon().isVisible());
    QTRY_COMPARE(watcher.calls(QStringLiteral("RegisterStatusNotifierItem")).size(), 1);
    // The item it registered answers on the bus as a StatusNotifierItem.
    const QString item = watcher.calls(QStringLiteral("RegisterStatusNotifierItem")).first().value(0).toString();
    // (Asynchronously: the item lives in this very process, whose event loop must answer.)
    QDBusMessage get = QDBusMessage::createMethodCall(item, QStringLiteral("/StatusNotifierItem"),
                                                      QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"));
    get << QStringLiteral("org.kde.StatusNotifierItem") << QStringLiteral("Category");
    QDBusPendingCall category = QDBusConnection::sessionBus().asyncCall(get);
    QTRY_VERIFY(category.isFinished());
    QVERIFY2(!category.isError(), qPrintable(category.error().message()));
    QCOMPARE(category.reply().arguments().value(0).value<QDBusVariant>().variant().toString(),
             QStringLiteral("ApplicationStatus"));

    QCOMPARE(tray.icon().state(), TrayIcon::State::RebootRequired);
    QVERIFY2(tray.icon().toolTip().startsWith(QStringLiteral("generation 47 (booted 46) · nixpkgs ")),
             qPrintable(tray.icon().toolTip()));
    QVERIFY(tray.icon().toolTip().contains(QStringLiteral("reboot required: linux 6.12.41 → 6.12.52, initrd")));
}

void TestTrayUi::notificationsAndTheirActions()
{
    DBusMock daemon;
    QVERIFY2(daemon.start(NotificationsService, NotificationsPath, QStringLiteral("notification_daemon"),
                          R"({"capabilities": "body actions"})"),
             qPrintable(daemon.error()));
    TrayApplication tray(options(), *m_settings);
    tray.start();
    // The golden fixture needs a reboot and runs on nixpkgs from August 2026: one notification
    // each. Its nixpkgs branch (26.05) leaves NixOS's release calendar at the end of 2026, and the
    // tray judges that by today's calendar: from then on a third. So the expected set is what the
    // core finds in this tree now, and it must hold the two that hold on any date.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    ReadOptions read;
    read.flake = true;
    read.lockOptional = true;
    const Snapshot snapshot = SnapshotReader::read(SystemLayout(m_tree->root()), read);
    QStringList expected;
    for (const Assessment::Finding &finding : Assessment::of(snapshot, Thresholds(), now).findings)
        expected.append(NotificationPolicy::requestFor(finding).title);
    expected.sort();
    QVERIFY(expected.contains(QStringLiteral("Reboot required")));
    QVERIFY(expected.contains(QStringLiteral("nixpkgs is out of date")));
    QTRY_COMPARE(daemon.calls(QStringLiteral("Notify")).size(), expected.size());
    QStringList titles;
    for (const QVariantList &call : daemon.calls(QStringLiteral("Notify")))
        titles.append(call.value(3).toString());
    titles.sort();
    QCOMPARE(titles, expected);

    // A second tray process (same settings) says nothing new.
    {
        TrayApplication again(options(), *m_settings);
        again.start();
        QTest::qWait(300);
        QCOMPARE(daemon.calls(QStringLiteral("Notify")).size(), expected.size());
    }

    // "Details" on the first notification opens the details window.
    QVERIFY(!visibleDetailsWindow());
    QVERIFY(daemon.emitSignal(NotificationsService, QStringLiteral("ActionInvoked"), QStringLiteral("us"),
                              {QVariant::fromValue(1u), QStringLiteral("details")}));
    QTRY_VERIFY(visibleDetailsWindow());

    // "Remind me tomorrow" sets a reminder a day ahead.
    QVERIFY(daemon.emitSignal(NotificationsService, QStringLiteral("ActionInvoked"), QStringLiteral("us"),
                              {QVariant::fromValue(1u), QStringLiteral("remind")}));
    QTRY_VERIFY(tray.policy().nextWakeUp(QDateTime::currentSecsSinceEpoch()).has_value());
    const qint64 wake = *tray.policy().nextWakeUp(QDateTime::currentSecsSinceEpoch());
    QVERIFY(qAbs(wake - (QDateTime::currentSecsSinceEpoch() + Thresholds::Day)) < 60);
}

void TestTrayUi::detailsWindowShowsTheFixture()
{
    TrayApplication tray(options(), *m_settings);
    tray.start();
    DetailsWindow *details = tray.showDetails();
    QVERIFY(QTest::qWaitForWindowExposed(details));

    const QTableWidget &generations = details->generations();
    QCOMPARE(generations.rowCount(), 3);
    QCOMPARE(generations.item(0, 0)->text(), QStringLiteral("47"));  // newest first
    QCOMPARE(generations.item(0, 2)->text(), QStringLiteral("26.05.20260809.33ddeb9"));
    QCOMPARE(generations.item(0, 3)->text(), QStringLiteral("6.12.52"));
    QCOMPARE(generations.item(0, 4)->text(), QStringLiteral("current, default"));
    QCOMPARE(generations.item(1, 4)->text(), QStringLiteral("booted"));
    QCOMPARE(generations.item(2, 4)->text(), QString());

    const QTableWidget &inputs = details->inputs();
    QCOMPARE(inputs.rowCount(), 24);
    int nixpkgs = -1;
    for (int row = 0; row < inputs.rowCount(); ++row) {
        if (inputs.item(row, 0)->text() == QLatin1String("nixpkgs"))
            nixpkgs = row;
    }
    QVERIFY(nixpkgs >= 0);
    QCOMPARE(inputs.item(nixpkgs, 1)->text(), StatusText::age(QDateTime::currentSecsSinceEpoch() - 1786245335));
    QCOMPARE(inputs.item(nixpkgs, 4)->text(), QStringLiteral("github:NixOS/nixpkgs"));
    QCOMPARE(inputs.item(nixpkgs, 2)->text(), QStringLiteral("nixos-26.05-small"));
    QCOMPARE(inputs.item(nixpkgs, 3)->text(), QStringLiteral("33ddeb9e7c03"));
    // Locked in August, older than 30 days: the stale colour.
    QCOMPARE(inputs.item(nixpkgs, 0)->background().color(), QColor(0xf4, 0xc7, 0xc3));

    // The fleet view: other machines in a list of their own, hidden while there are none.
    QVERIFY(details->hosts().isHidden());
    HostStatus web1;
    web1.host = QStringLiteral("web1:9971");
    web1.summary = QStringLiteral("generation 12");
    web1.assessment.level = Assessment::Level::Attention;
    web1.assessment.findings = {{QStringLiteral("reboot-required"), Assessment::Level::Attention,
                                 QStringLiteral("reboot required"), QStringLiteral("reboot-required:12")}};
    details->setHosts({web1});
    QVERIFY(!details->hosts().isHidden());
    QCOMPARE(details->hosts().item(0, 0)->text(), QStringLiteral("web1:9971"));
    QCOMPARE(details->hosts().item(0, 1)->text(), QStringLiteral("attention"));
    QCOMPARE(details->hosts().item(0, 2)->text(), QStringLiteral("generation 12 · reboot required"));
    details->setHosts({});

    // A real screenshot of the real window, as the README shows it.
    QString import;
    NIXOS_REQUIRE_TOOL(import, "import", "imagemagick", "imagemagick");
    const QString shot = m_settingsDir->filePath(QStringLiteral("details.png"));
    QProcess screenshot;
    screenshot.start(import, {QStringLiteral("-window"), QString::number(details->winId()), shot});
    QVERIFY2(screenshot.waitForFinished(30'000) && screenshot.exitCode() == 0,
             screenshot.readAllStandardError().constData());
    const QImage image(shot);
    QCOMPARE(image.size(), details->size());
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 4) {
        for (int x = 0; x < image.width(); x += 4)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 20, "the screenshot is blank");
    if (qEnvironmentVariableIsSet("NIXOS_UPDATE_SCREENSHOTS")) {
        const QString target = QStringLiteral(NIXOS_SOURCE_DIR "/docs/screenshots/details.png");
        QFile::remove(target);
        QVERIFY(QFile::copy(shot, target));
    }
}

void TestTrayUi::rebootThroughLogind()
{
    DBusMock logind;
    QVERIFY2(logind.start(QStringLiteral("org.freedesktop.login1"), QStringLiteral("/org/freedesktop/login1"),
                          QStringLiteral("logind")),
             qPrintable(logind.error()));
    Rebooter rebooter(QDBusConnection::sessionBus());
    QSignalSpy available(&rebooter, &Rebooter::availabilityChanged);
    QVERIFY(available.wait());
    QVERIFY(rebooter.isAvailable());
    rebooter.reboot();
    QTRY_COMPARE(logind.calls(QStringLiteral("Reboot")).size(), 1);
    QCOMPARE(logind.calls(QStringLiteral("Reboot")).first().value(0).toBool(), true);  // interactive
}

QTEST_MAIN(TestTrayUi)
#include "tst_trayui.moc"
