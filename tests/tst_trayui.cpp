// SPDX-License-Identifier: MIT
// nixos-tray as a user meets it, under Xvfb with a private session bus: the icon registers
// with a StatusNotifierWatcher (waiting for one that comes late) and says Passive, Active or
// NeedsAttention as the machine's state changes, its menu is read and clicked over
// com.canonical.dbusmenu, notifications go to the notification daemon and their actions come
// back, a fleet's first look is one summary, the upgrade check notifies once, the details
// window shows the fixture.
#include "dbusmenuexporter.h"
#include "dbusmock.h"
#include "detailswindow.h"
#include "exporterprocess.h"
#include "fakehttpserver.h"
#include "goldenfixture.h"
#include "rebooter.h"
#include "remotesnapshot.h"
#include "requiredtool.h"
#include "settingsdialog.h"
#include "snapshotreader.h"
#include "statusjson.h"
#include "systemlayout.h"
#include "statustext.h"
#include "trayapplication.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDBusPendingCall>
#include <QDBusVariant>
#include <QImage>
#include <QLabel>
#include <QMessageBox>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

namespace {
const QString NotificationsService = QStringLiteral("org.freedesktop.Notifications");
const QString NotificationsPath = QStringLiteral("/org/freedesktop/Notifications");
const QString WatcherTemplate = QStringLiteral(NIXOS_SOURCE_DIR "/tests/dbus/statusnotifierwatcher.py");

// A panel's StatusNotifierWatcher (the mock), as a desktop's tray starts it.
bool startPanel(DBusMock &watcher)
{
    return watcher.start(QStringLiteral("org.kde.StatusNotifierWatcher"), QStringLiteral("/StatusNotifierWatcher"),
                         WatcherTemplate);
}

// supportedReleases empty: NixOS's calendar at today's date, as the tray judges.
Snapshot readTree(const FixtureTree &tree, const QStringList &supportedReleases = {})
{
    ReadOptions read;
    read.flake = true;
    read.lockOptional = true;  // as the tray reads
    read.supportedReleases = supportedReleases;
    return SnapshotReader::read(SystemLayout(tree.root()), read);
}

// Answers the next question box (the reboot's confirmation) once it is up; *asked is what it said.
void answerNextQuestion(QMessageBox::StandardButton answer, QString *asked = nullptr)
{
    QTimer::singleShot(0, qApp, [answer, asked] {
        QTRY_VERIFY(qobject_cast<QMessageBox *>(QApplication::activeModalWidget()));
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (asked)
            *asked = box->text() + QLatin1Char('\n') + box->informativeText();
        box->button(answer)->click();
    });
}

// A dark desktop's palette (Breeze Dark's colours), for the screenshots of dark themes.
QPalette darkPalette()
{
    const QColor window(0x20, 0x23, 0x26), base(0x14, 0x16, 0x18), alternate(0x1d, 0x1f, 0x22);
    const QColor text(0xfc, 0xfc, 0xfc), dim(0xa1, 0xa9, 0xb1), button(0x29, 0x2c, 0x30);
    QPalette palette;
    for (auto [role, colour] : {std::pair{QPalette::Window, window}, std::pair{QPalette::WindowText, text},
                                std::pair{QPalette::Base, base}, std::pair{QPalette::AlternateBase, alternate},
                                std::pair{QPalette::Text, text}, std::pair{QPalette::PlaceholderText, dim},
                                std::pair{QPalette::Button, button}, std::pair{QPalette::ButtonText, text},
                                std::pair{QPalette::Highlight, QColor(0x3d, 0xae, 0xe9)},
                                std::pair{QPalette::HighlightedText, text}, std::pair{QPalette::ToolTipBase, window},
                                std::pair{QPalette::ToolTipText, text}, std::pair{QPalette::Light, button.lighter(150)},
                                std::pair{QPalette::Midlight, button.lighter(125)}, std::pair{QPalette::Mid, button.darker(120)},
                                std::pair{QPalette::Dark, button.darker(150)}, std::pair{QPalette::Shadow, QColor(Qt::black)}})
        palette.setColor(role, colour);
    palette.setColor(QPalette::Disabled, QPalette::Text, dim);
    palette.setColor(QPalette::Disabled, QPalette::WindowText, dim);
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, dim);
    return palette;
}

// Shows a window, draws it as it is on screen (at the screen's scale) and writes it where
// scripts/update-screenshots.sh copies the README's pictures from.
void saveScreenshot(QWidget &window, const QString &name)
{
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTest::qWait(100);  // the layout's own requests, when what it shows just changed
    const QString directory = qEnvironmentVariable("NIXOS_SCREENSHOT_DIR", QStringLiteral(NIXOS_SCREENSHOT_DIR));
    QVERIFY(QDir().mkpath(directory));
    const QImage image = window.grab().toImage();
    // Drawn at the screen's scale (twice the pixels under QT_SCALE_FACTOR=2), icons included:
    // crisp, not blown up.
    const qreal scale = window.devicePixelRatioF();
    QCOMPARE(image.size(), window.size() * scale);
    for (const QLabel *label : window.findChildren<QLabel *>()) {
        if (!label->pixmap().isNull())
            QCOMPARE(label->pixmap().devicePixelRatio(), scale);
    }
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 4) {
        for (int x = 0; x < image.width(); x += 4)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 20, qPrintable(name + QStringLiteral(": blank")));
    QVERIFY(image.save(directory + QLatin1Char('/') + name));
}

// What a reboot of the golden machine (booted 46, running 47) would change, as the Nix
// database would say it: the fixture has none.
SystemDiff goldenRebootChanges()
{
    using Kind = PackageChange::Kind;
    PackageDiff packages;
    packages.changes = {{Kind::Upgraded, "curl", {"8.14.1"}, {"8.15.0"}},
                        {Kind::Upgraded, "firefox", {"141.0"}, {"143.0.1"}},
                        {Kind::Upgraded, "linux", {"6.12.41"}, {"6.12.52"}},
                        {Kind::Upgraded, "mesa", {"25.1.6"}, {"25.2.4"}},
                        {Kind::Upgraded, "openssl", {"3.5.1"}, {"3.5.4"}},
                        {Kind::Upgraded, "systemd", {"257.8"}, {"257.9"}},
                        {Kind::Downgraded, "python3", {"3.13.6"}, {"3.13.5"}},
                        {Kind::Added, "ripgrep", {}, {"14.1.1"}},
                        {Kind::Removed, "nano", {"8.5"}, {}}};
    return {SystemDiff::Side::of("booted", "/nix/store/booted-system", 46), SystemDiff::Side::of("current", "/nix/store/current-system", 47),
            packages};
}

const QString ItemInterface = QStringLiteral("org.kde.StatusNotifierItem");
const QString MenuInterface = QStringLiteral("com.canonical.dbusmenu");

// A call to an object of this very process, on the session bus: asynchronous, because this
// process's event loop must run to answer it.
QDBusMessage callInProcess(const QDBusMessage &call)
{
    QDBusPendingCall pending = QDBusConnection::sessionBus().asyncCall(call);
    if (!QTest::qWaitFor([&pending] { return pending.isFinished(); }, 10'000))
        return {};
    return pending.reply();
}

// One property of the StatusNotifierItem `service`, as a panel reads it.
QVariant itemProperty(const QString &service, const QString &name)
{
    QDBusMessage get = QDBusMessage::createMethodCall(service, StatusNotifierItem::ObjectPath,
                                                      QStringLiteral("org.freedesktop.DBus.Properties"),
                                                      QStringLiteral("Get"));
    get << ItemInterface << name;
    return callInProcess(get).arguments().value(0).value<QDBusVariant>().variant();
}

template<typename T>
T demarshalled(const QVariant &value)
{
    T result;
    value.value<QDBusArgument>() >> result;
    return result;
}

// The .desktop file's Name, which the launcher shows and the panel should too.
QString desktopName()
{
    QFile desktop(QStringLiteral(NIXOS_SOURCE_DIR "/resources/nixos-tray.desktop"));
    if (!desktop.open(QIODevice::ReadOnly))
        return {};
    for (const QByteArray &line : desktop.readAll().split('\n')) {
        if (line.startsWith("Name="))
            return QString::fromUtf8(line.mid(5));
    }
    return {};
}

QStringList titlesOf(const QList<QVariantList> &notifyCalls)
{
    QStringList titles;
    for (const QVariantList &call : notifyCalls)
        titles.append(call.value(3).toString());
    return titles;
}

// A port on loopback that nothing listens on: a machine of the fleet that is down.
quint16 closedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

DetailsWindow *visibleDetailsWindow()
{
    for (QWidget *widget : QApplication::topLevelWidgets()) {
        if (auto *details = qobject_cast<DetailsWindow *>(widget); details && details->isVisible())
            return details;
    }
    return nullptr;
}
} // namespace

// What the item and its menu announce on the bus, as a panel hears it.
class PanelLog : public QObject
{
    Q_OBJECT
public:
    PanelLog(const QString &service)
    {
        QDBusConnection bus = QDBusConnection::sessionBus();
        bus.connect(service, StatusNotifierItem::ObjectPath, ItemInterface, QStringLiteral("NewStatus"), this,
                    SLOT(newStatus(QString)));
        bus.connect(service, StatusNotifierItem::MenuPath, MenuInterface, QStringLiteral("LayoutUpdated"), this,
                    SLOT(layoutUpdated(uint, int)));
    }
    QStringList statuses;
    QList<uint> revisions;

public Q_SLOTS:
    void newStatus(const QString &status) { statuses.append(status); }
    void layoutUpdated(uint revision, int) { revisions.append(revision); }
};

class TestTrayUi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void iconWaitsForTheWatcherThenRegisters();
    void panelRestartRegistersAgain();
    void statusFollowsTheMachine();
    void menuOverDbusmenu();
    void notificationsAndTheirActions();
    void fleetStartIsOneNotificationAndUpdatesReplace();
    void upgradeCheckNotifiesOnce();
    void detailsWindowShowsTheFixture();
    void headerAndEmptyStates();
    void rebootChangesUnderTheVerdict();
    void flakeInputColoursMeanSomething();
    void rebootButtonFollowsLogind();
    void noRebootButtonWhereLogindSaysNo();
    void refreshAndSettingsButtons();
    void fleetListAndSelection();
    void screenshotsForTheReadme();
    void rebootThroughLogind();

private:
    TrayApplication::Options options() const;
    // The bus name the tray's item registered with a (mock) watcher.
    QString registeredItem(const DBusMock &watcher) const;
    // A machine that is all well: one fresh generation, running and booted, no flake.
    void buildAllWell(FixtureTree &tree) const;

    std::unique_ptr<FixtureTree> m_tree;
    std::unique_ptr<QTemporaryDir> m_settingsDir;
    std::unique_ptr<QSettings> m_settings;
};

void TestTrayUi::fleetStartIsOneNotificationAndUpdatesReplace()
{
    DBusMock daemon;
    QVERIFY2(daemon.start(NotificationsService, NotificationsPath, QStringLiteral("notification_daemon"),
                          R"({"capabilities": "body actions"})"),
             qPrintable(daemon.error()));
    // Two exporters on a machine that needs a reboot, and one machine that is down.
    FixtureTree fleetTree;
    GoldenFixture::build(fleetTree, QDateTime::currentSecsSinceEpoch() - 3600);
    ExporterProcess web1;
    ExporterProcess web2;
    for (ExporterProcess *exporter : {&web1, &web2})
        QVERIFY2(exporter->start({QStringLiteral("--root"), fleetTree.root()}), qPrintable(exporter->error()));
    const QString down = QStringLiteral("127.0.0.1:%1").arg(closedPort());
    TraySettings(*m_settings).setFleetExporters({QStringLiteral("127.0.0.1:%1").arg(web1.port()),
                                                 QStringLiteral("127.0.0.1:%1").arg(web2.port()), down});

    TrayApplication tray(options(), *m_settings);
    tray.start();
    QTRY_COMPARE_WITH_TIMEOUT(daemon.calls(QStringLiteral("Notify")).size(), 1, 20'000);
    QTest::qWait(1000);  // and nothing after it
    QList<QVariantList> calls = daemon.calls(QStringLiteral("Notify"));
    QCOMPARE(calls.size(), 1);
    QCOMPARE(calls.first().value(1).toUInt(), 0u);
    QCOMPARE(calls.first().value(3).toString(), QStringLiteral("4 machines need attention"));
    const QStringList lines = calls.first().value(4).toString().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 4);
    QVERIFY2(lines.at(0).startsWith(QStringLiteral("this machine: reboot required: linux 6.12.41 → 6.12.52")),
             qPrintable(lines.at(0)));
    // Then the other machines, one line each, in the fleet view's order.
    const QStringList expectedStarts{QStringLiteral("127.0.0.1:%1: reboot required").arg(web1.port()),
                                     QStringLiteral("127.0.0.1:%1: reboot required").arg(web2.port()),
                                     down + QStringLiteral(": cannot read: ")};
    for (const QString &start : expectedStarts) {
        QVERIFY2(std::count_if(lines.cbegin() + 1, lines.cend(), [&](const QString &line) { return line.startsWith(start); }) == 1,
                 qPrintable(start + QStringLiteral(" in ") + lines.join(QStringLiteral(" | "))));
    }

    // This machine switches again before its reboot: its own notification, and a switch after
    // that replaces it instead of stacking another.
    const auto switchTo = [this](int number, const QString &kernel) {
        FixtureTree::SystemSpec spec;
        spec.name = QString::number(number);
        spec.label = QStringLiteral("26.05.20260809.33ddeb9");
        spec.kernelVersion = kernel;
        const QString system = m_tree->addSystem(spec);
        m_tree->addGeneration(number, system, QDateTime::currentSecsSinceEpoch() - 60);
        m_tree->setDefaultGeneration(number);
        m_tree->setCurrentSystem(system);
    };
    switchTo(48, QStringLiteral("6.12.60"));
    QTRY_COMPARE(daemon.calls(QStringLiteral("Notify")).size(), 2);
    QTest::qWait(200);  // the reply with its id
    switchTo(49, QStringLiteral("6.12.61"));
    QTRY_COMPARE(daemon.calls(QStringLiteral("Notify")).size(), 3);
    calls = daemon.calls(QStringLiteral("Notify"));
    QCOMPARE(titlesOf(calls.mid(1)), (QStringList{"Reboot required", "Reboot required"}));
    QCOMPARE(calls.at(1).value(1).toUInt(), 0u);
    QCOMPARE(calls.at(2).value(1).toUInt(), 2u);  // the daemon's id for the second
    QVERIFY2(calls.at(2).value(4).toString().contains(QStringLiteral("6.12.61")), qPrintable(calls.at(2).value(4).toString()));
    QCOMPARE(daemon.calls(QStringLiteral("CloseNotification")).size(), 0);
}

void TestTrayUi::upgradeCheckNotifiesOnce()
{
    DBusMock daemon;
    QVERIFY2(daemon.start(NotificationsService, NotificationsPath, QStringLiteral("notification_daemon"),
                          R"({"capabilities": "body actions"})"),
             qPrintable(daemon.error()));
    // The channel moved on from the fixture's nixpkgs (33ddeb9e7c03).
    FakeHttpServer channels;
    channels.setAnswer({200, "0123456789abcdef0123456789abcdef01234567\n", {}});
    m_settings->setValue(QStringLiteral("upgrade/baseUrl"), channels.baseUrl());
    const QString upgradeTitle = QStringLiteral("Upgrade available");

    {
        // Off by default: no request, no notification.
        TrayApplication tray(options(), *m_settings);
        tray.start();
        QTRY_VERIFY(daemon.calls(QStringLiteral("Notify")).size() >= 2);
        QTest::qWait(500);
        QCOMPARE(channels.requestCount(), 0);
        QVERIFY(!titlesOf(daemon.calls(QStringLiteral("Notify"))).contains(upgradeTitle));
    }

    TraySettings(*m_settings).setUpgradeCheck(true);
    {
        TrayApplication tray(options(), *m_settings);
        tray.start();
        QTRY_VERIFY(titlesOf(daemon.calls(QStringLiteral("Notify"))).contains(upgradeTitle));
        QCOMPARE(channels.paths(), QList<QByteArray>{"/nixos-26.05-small/git-revision"});  // the flake input's branch
        for (const QVariantList &call : daemon.calls(QStringLiteral("Notify"))) {
            if (call.value(3).toString() == upgradeTitle)
                QCOMPARE(call.value(4).toString(), QStringLiteral("nixos-26.05-small is at 0123456, this system's nixpkgs at 33ddeb9"));
        }
    }
    {
        // A restart checks again and finds the same: nothing new to tell.
        TrayApplication tray(options(), *m_settings);
        tray.start();
        QTRY_COMPARE(channels.requestCount(), 2);
        QTest::qWait(500);
    }
    QCOMPARE(titlesOf(daemon.calls(QStringLiteral("Notify"))).count(upgradeTitle), 1);
}

void TestTrayUi::initTestCase()
{
    QVERIFY2(QDBusConnection::sessionBus().isConnected(), "run under dbus-run-session (ctest does)");
    QVERIFY2(QGuiApplication::platformName() == QLatin1String("xcb"), "run under xvfb-run (ctest does)");
    NIXOS_REQUIRE_FOUND(DBusMock::python(), DBusMock::pythonMissing());
    QStandardPaths::setTestModeEnabled(true);
    // The same look on every machine, for the screenshots.
    QApplication::setStyle(QStringLiteral("Fusion"));
}

void TestTrayUi::init()
{
    m_tree = std::make_unique<FixtureTree>();
    // The tray reads the real clock: the current generation is an hour old on any date.
    const GoldenFixture::StorePaths systems = GoldenFixture::build(*m_tree, QDateTime::currentSecsSinceEpoch() - 3600);
    // Generation 47 can boot as two variants.
    for (const char *name : {"gaming", "safe-mode"})
        m_tree->symlink(systems.generation47 + QStringLiteral("/specialisation/") + QLatin1String(name), systems.generation46);
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

QString TestTrayUi::registeredItem(const DBusMock &watcher) const
{
    const QList<QVariantList> calls = watcher.calls(QStringLiteral("RegisterStatusNotifierItem"));
    return calls.isEmpty() ? QString() : calls.last().value(0).toString();
}

void TestTrayUi::buildAllWell(FixtureTree &tree) const
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    FixtureTree::SystemSpec spec;
    spec.name = QStringLiteral("fresh");
    // nixpkgs of today, as the label says (without a flake.lock the label is all there is).
    spec.label = QStringLiteral("26.05.%1.abcdef0")
                     .arg(QDateTime::fromSecsSinceEpoch(now, QTimeZone::utc()).toString(QStringLiteral("yyyyMMdd")));
    const QString system = tree.addSystem(spec);
    tree.addGeneration(1, system, now - 3600);
    tree.setDefaultGeneration(1);
    tree.setCurrentSystem(system);
    tree.setBootedSystem(system);
}

void TestTrayUi::iconWaitsForTheWatcherThenRegisters()
{
    TrayApplication tray(options(), *m_settings);
    tray.start();
    QTest::qWait(300);
    QVERIFY(!tray.icon().isVisible());  // no panel yet

    DBusMock watcher;  // the panel starts
    QVERIFY2(startPanel(watcher), qPrintable(watcher.error()));
    QTRY_VERIFY(tray.icon().isVisible());
    QTRY_COMPARE(watcher.calls(QStringLiteral("RegisterStatusNotifierItem")).size(), 1);
    // The item it registered answers on the bus as a StatusNotifierItem.
    const QString item = registeredItem(watcher);
    QVERIFY2(item.startsWith(QStringLiteral("org.kde.StatusNotifierItem-")), qPrintable(item));
    QCOMPARE(itemProperty(item, QStringLiteral("Category")).toString(), QStringLiteral("ApplicationStatus"));
    QCOMPARE(itemProperty(item, QStringLiteral("Id")).toString(), QStringLiteral("nixos-tray"));
    // The panel names it as the launcher does.
    QCOMPARE(desktopName(), QStringLiteral("NixOS Status"));
    QCOMPARE(itemProperty(item, QStringLiteral("Title")).toString(), desktopName());
    QCOMPARE(itemProperty(item, QStringLiteral("Menu")).value<QDBusObjectPath>().path(), StatusNotifierItem::MenuPath);

    // The golden fixture needs a reboot: attention, so the icon stays in sight.
    QCOMPARE(tray.icon().state(), TrayIcon::State::RebootRequired);
    QCOMPARE(itemProperty(item, QStringLiteral("Status")).toString(), QStringLiteral("Active"));
    const auto toolTip = demarshalled<StatusNotifierItem::ToolTip>(itemProperty(item, QStringLiteral("ToolTip")));
    QCOMPARE(toolTip.title, desktopName());
    QCOMPARE(toolTip.description, tray.icon().toolTip());
    QVERIFY2(toolTip.description.startsWith(QStringLiteral("generation 47 (booted 46) · nixpkgs ")),
             qPrintable(toolTip.description));
    QVERIFY(toolTip.description.contains(QStringLiteral("reboot required: linux 6.12.41 → 6.12.52, initrd")));

    // The icon comes drawn at several sizes, 2x ones too, and is the reboot icon.
    const auto pixmaps = demarshalled<StatusNotifierItem::Pixmaps>(itemProperty(item, QStringLiteral("IconPixmap")));
    QList<int> sizes;
    for (const StatusNotifierItem::Pixmap &pixmap : pixmaps) {
        QCOMPARE(pixmap.height, pixmap.width);
        QCOMPARE(pixmap.argb.size(), pixmap.width * pixmap.height * 4);
        sizes.append(pixmap.width);
    }
    QVERIFY2(sizes.contains(22) && sizes.contains(44) && sizes.contains(64), qPrintable(QString::number(sizes.size())));
    QCOMPARE(pixmaps, StatusNotifierItem::pixmaps(QIcon(TrayIcon::iconPath(TrayIcon::State::RebootRequired))));
    QVERIFY(pixmaps != StatusNotifierItem::pixmaps(QIcon(TrayIcon::iconPath(TrayIcon::State::Ok))));
    // Network byte order ARGB: the first byte of an opaque pixel is its alpha.
    const StatusNotifierItem::Pixmap &large = pixmaps.last();
    const int centre = (large.height / 2 * large.width + large.width / 2) * 4;
    QCOMPARE(quint8(large.argb.at(centre)), quint8(0xff));

}

void TestTrayUi::panelRestartRegistersAgain()
{
    TrayApplication tray(options(), *m_settings);
    tray.start();
    {
        DBusMock watcher;
        QVERIFY2(startPanel(watcher), qPrintable(watcher.error()));
        QTRY_VERIFY(tray.icon().isVisible());
    }
    QTRY_VERIFY(!tray.icon().isVisible());  // the panel is gone
    DBusMock watcher;
    QVERIFY2(startPanel(watcher), qPrintable(watcher.error()));
    QTRY_COMPARE(watcher.calls(QStringLiteral("RegisterStatusNotifierItem")).size(), 1);
    QTRY_VERIFY(tray.icon().isVisible());
}

void TestTrayUi::statusFollowsTheMachine()
{
    m_tree = std::make_unique<FixtureTree>();
    buildAllWell(*m_tree);
    DBusMock watcher;
    QVERIFY2(startPanel(watcher), qPrintable(watcher.error()));
    TrayApplication tray(options(), *m_settings);
    tray.start();
    QTRY_VERIFY(!registeredItem(watcher).isEmpty());
    const QString item = registeredItem(watcher);
    PanelLog panel(item);

    // All well: Passive, so the panel may tuck the icon away.
    QCOMPARE(tray.icon().state(), TrayIcon::State::Ok);
    QCOMPARE(itemProperty(item, QStringLiteral("Status")).toString(), QStringLiteral("Passive"));
    QCOMPARE(itemProperty(item, QStringLiteral("Title")).toString(), desktopName());

    // The state cannot be read (a broken flake.lock): NeedsAttention.
    m_tree->writeFile(QStringLiteral("/etc/nixos/flake.lock"), "{ this is no lock");
    QTRY_COMPARE_WITH_TIMEOUT(panel.statuses, QStringList{QStringLiteral("NeedsAttention")}, 10'000);
    QCOMPARE(tray.icon().state(), TrayIcon::State::Error);
    QCOMPARE(itemProperty(item, QStringLiteral("Status")).toString(), QStringLiteral("NeedsAttention"));

    // Readable again, and booted into an older kernel than runs now: Active.
    FixtureTree::SystemSpec older;
    older.name = QStringLiteral("older");
    older.kernelVersion = QStringLiteral("6.6.0");
    m_tree->setBootedSystem(m_tree->addSystem(older));
    QVERIFY(QFile::remove(m_tree->hostPath(QStringLiteral("/etc/nixos/flake.lock"))));
    QTRY_COMPARE_WITH_TIMEOUT(panel.statuses, (QStringList{QStringLiteral("NeedsAttention"), QStringLiteral("Active")}),
                              10'000);
    QCOMPARE(tray.icon().state(), TrayIcon::State::RebootRequired);
    QCOMPARE(itemProperty(item, QStringLiteral("Status")).toString(), QStringLiteral("Active"));
}

void TestTrayUi::menuOverDbusmenu()
{
    DBusMock watcher;
    QVERIFY2(startPanel(watcher), qPrintable(watcher.error()));
    TrayApplication tray(options(), *m_settings);
    tray.start();
    QTRY_VERIFY(!registeredItem(watcher).isEmpty());
    const QString item = registeredItem(watcher);
    PanelLog panel(item);

    const auto layout = [&item] {
        QDBusMessage get = QDBusMessage::createMethodCall(item, StatusNotifierItem::MenuPath, MenuInterface,
                                                          QStringLiteral("GetLayout"));
        get << 0 << -1 << QStringList();
        const QDBusMessage reply = callInProcess(get);
        return demarshalled<DBusMenuExporter::Layout>(reply.arguments().value(1));
    };
    const auto labels = [](const DBusMenuExporter::Layout &menu) {
        QStringList result;
        for (const DBusMenuExporter::Layout &child : menu.children)
            result.append(child.properties.value(QStringLiteral("type")).toString() == QLatin1String("separator")
                              ? QStringLiteral("---")
                              : child.properties.value(QStringLiteral("label")).toString());
        return result;
    };
    const auto find = [](const DBusMenuExporter::Layout &menu, const QString &label) {
        for (const DBusMenuExporter::Layout &child : menu.children) {
            if (child.properties.value(QStringLiteral("label")).toString() == label)
                return child;
        }
        return DBusMenuExporter::Layout{-1, {}, {}};
    };

    // The menu a panel draws: the state in words (information, not commands), then commands.
    const DBusMenuExporter::Layout menu = layout();
    const QStringList expectedCommands{QStringLiteral("---"), QStringLiteral("Details…"),
                                       QStringLiteral("Snooze notifications"), QStringLiteral("Settings…"),
                                       QStringLiteral("Reboot…"), QStringLiteral("---"), QStringLiteral("Quit")};
    const QStringList all = labels(menu);
    QVERIFY2(all.size() > expectedCommands.size(), qPrintable(all.join(QLatin1Char('|'))));
    QCOMPARE(all.mid(all.size() - expectedCommands.size()), expectedCommands);
    const qsizetype lines = all.size() - expectedCommands.size();
    QVERIFY(all.first().startsWith(QStringLiteral("generation 47")));
    for (qsizetype i = 0; i < lines; ++i)
        QCOMPARE(menu.children.at(i).properties.value(QStringLiteral("enabled")), QVariant(false));
    // Reboot… is there only where logind allows it (not here); snoozing is a submenu.
    QCOMPARE(find(menu, QStringLiteral("Reboot…")).properties.value(QStringLiteral("visible")), QVariant(false));
    const DBusMenuExporter::Layout snooze = find(menu, QStringLiteral("Snooze notifications"));
    QCOMPARE(snooze.properties.value(QStringLiteral("children-display")).toString(), QStringLiteral("submenu"));
    QCOMPARE(labels(snooze), (QStringList{QStringLiteral("For 1 day"), QStringLiteral("For 1 week"),
                                          QStringLiteral("Resume notifications")}));

    // A click in the panel's menu is the action's.
    QDBusMessage click = QDBusMessage::createMethodCall(item, StatusNotifierItem::MenuPath, MenuInterface,
                                                       QStringLiteral("Event"));
    click << find(menu, QStringLiteral("Details…")).id << QStringLiteral("clicked")
          << QVariant::fromValue(QDBusVariant(0)) << 0u;
    QVERIFY(!visibleDetailsWindow());
    QCOMPARE(callInProcess(click).type(), QDBusMessage::ReplyMessage);
    QTRY_VERIFY(visibleDetailsWindow());

    // A change to the menu is a new revision, and the new layout shows it.
    tray.icon().setRebootAvailable(true);
    QTRY_COMPARE(panel.revisions.size(), 1);
    QVERIFY(!find(layout(), QStringLiteral("Reboot…")).properties.contains(QStringLiteral("visible")));

    // Qt's mnemonics in dbusmenu's spelling.
    QAction action(QStringLiteral("Save && &quit_now"));
    QCOMPARE(DBusMenuExporter::propertiesOf(&action).value(QStringLiteral("label")).toString(),
             QStringLiteral("Save & _quit__now"));
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
    const MachineView &machine = details->machine();

    // The header: one sentence, then each finding (the golden fixture's nixpkgs is months old).
    QCOMPARE(machine.verdict(), QStringLiteral("This machine needs a reboot and an update."));
    const QStringList reasons = machine.reasons().split(QLatin1Char('\n'));
    QCOMPARE(reasons.value(0), QStringLiteral("• Reboot required: linux 6.12.41 → 6.12.52, initrd"));
    QVERIFY2(reasons.contains(QStringLiteral("• nixpkgs is %1 old").arg(StatusText::age(QDateTime::currentSecsSinceEpoch() - 1786245335))),
             qPrintable(machine.reasons()));
    // The state in words below it, without the findings again.
    QVERIFY2(machine.facts().startsWith(QStringLiteral("Generation 47, built 1 hour ago\nBooted generation 46\nnixpkgs ")),
             qPrintable(machine.facts()));
    QVERIFY(!machine.facts().contains(QStringLiteral("eboot required")));
    // No logind on this bus: no Reboot button, whatever the verdict.
    QVERIFY(details->rebootButton().isHidden());
    QVERIFY(!details->refreshButton().isHidden());
    QVERIFY(!details->settingsButton().isHidden());

    const QTableWidget &generations = machine.generations();
    QCOMPARE(generations.rowCount(), 3);
    QCOMPARE(generations.item(0, 0)->text(), QStringLiteral("47"));  // newest first
    QCOMPARE(generations.item(0, 1)->text(), QStringLiteral("running, default"));
    QCOMPARE(generations.item(0, 2)->text(), QStringLiteral("1 hour ago"));
    QCOMPARE(generations.item(0, 3)->text(), QStringLiteral("26.05.20260809.33ddeb9"));
    QCOMPARE(generations.item(0, 4)->text(), QStringLiteral("6.12.52"));
    QCOMPARE(generations.item(0, 5)->text(), QStringLiteral("gaming, safe-mode"));
    QCOMPARE(generations.item(1, 1)->text(), QStringLiteral("booted"));
    QCOMPARE(generations.item(1, 5)->text(), QString());
    QCOMPARE(generations.item(2, 1)->text(), QString());

    const QTableWidget &inputs = machine.inputs();
    QCOMPARE(inputs.rowCount(), 24);
    // nixpkgs first (the inputs the verdict is about), then the rest by name.
    QCOMPARE(inputs.item(0, MachineView::InputName)->text(), QStringLiteral("nixpkgs"));
    QCOMPARE(inputs.item(0, MachineView::InputAge)->text(), StatusText::age(QDateTime::currentSecsSinceEpoch() - 1786245335));
    QCOMPARE(inputs.item(0, MachineView::InputSource)->text(), QStringLiteral("github:NixOS/nixpkgs"));
    QCOMPARE(inputs.item(0, MachineView::InputBranch)->text(), QStringLiteral("nixos-26.05-small"));
    QCOMPARE(inputs.item(0, MachineView::InputRevision)->text(), QStringLiteral("33ddeb9e7c03"));
    QVERIFY(inputs.item(0, MachineView::InputHealth)->text().startsWith(QStringLiteral("stale")));
    QVERIFY2(machine.inputsNote().startsWith(QStringLiteral("From /etc/nixos/flake.lock.")), qPrintable(machine.inputsNote()));

    // The machine list appears only with other machines.
    QVERIFY(details->machines().isHidden());

    // A real screenshot of the real window: X draws what Qt drew.
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
}

void TestTrayUi::headerAndEmptyStates()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    MachineView view;

    // All well, and a channel system: no lock, so the note says where nixpkgs' age comes from.
    FixtureTree healthy;
    GoldenFixture::buildHealthy(healthy, now);
    Snapshot snapshot = readTree(healthy);
    view.setStatus(snapshot, Assessment::of(snapshot, Thresholds(), now), Thresholds(), now);
    QCOMPARE(view.verdict(), QStringLiteral("All is well on this machine."));
    QCOMPARE(view.reasons(), QString());
    QVERIFY(view.inputs().isHidden());
    const QString label = snapshot.generations.currentSystem->version.label;
    QVERIFY2(view.inputsNote().startsWith(QStringLiteral("No flake.lock in /run/current-system or /etc/nixos")),
             qPrintable(view.inputsNote()));
    QVERIFY2(view.inputsNote().contains(QStringLiteral("nixpkgs' age comes from the running system's NixOS label instead: %1")
                                            .arg(label)),
             qPrintable(view.inputsNote()));

    // A lock that cannot be read: an error, said in the header and in the section.
    healthy.writeFile(QStringLiteral("/etc/nixos/flake.lock"), "{ not json");
    snapshot = readTree(healthy);
    view.setStatus(snapshot, Assessment::of(snapshot, Thresholds(), now), Thresholds(), now);
    QCOMPARE(view.verdict(), QStringLiteral("The state of this machine cannot be read."));
    QVERIFY2(view.reasons().startsWith(QStringLiteral("• Cannot read flake state: ")), qPrintable(view.reasons()));
    QVERIFY2(view.inputsNote().startsWith(QStringLiteral("The flake.lock cannot be read: ")), qPrintable(view.inputsNote()));

    // No generations at all (a container image, say): the section says so.
    FixtureTree bare;
    FixtureTree::SystemSpec spec;
    bare.setCurrentSystem(bare.addSystem(spec));
    snapshot = readTree(bare);
    view.setStatus(snapshot, Assessment::of(snapshot, Thresholds(), now), Thresholds(), now);
    QVERIFY(view.generations().isHidden());
    QVERIFY2(view.generationsNote().startsWith(QStringLiteral("There are no system generations")),
             qPrintable(view.generationsNote()));
}

void TestTrayUi::rebootChangesUnderTheVerdict()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    MachineView view;
    Snapshot snapshot = readTree(*m_tree);
    const Assessment assessment = Assessment::of(snapshot, Thresholds(), now);
    // Not known (no Nix database here): nothing is said.
    view.setStatus(snapshot, assessment, Thresholds(), now);
    QCOMPARE(view.rebootChanges(), QString());

    // The kernel and systemd first (what the reboot is for), the rest in the diff's order.
    snapshot.rebootChanges = goldenRebootChanges();
    view.setStatus(snapshot, assessment, Thresholds(), now);
    QCOMPARE(view.rebootChanges(), QStringLiteral("A reboot would change 9 packages (6 upgraded, 1 downgraded, 1 added, 1 removed): "
                                                  "linux 6.12.41 → 6.12.52, systemd 257.8 → 257.9, curl 8.14.1 → 8.15.0 and 6 more."));
    // Every package in the tooltip, by kind.
    const QStringList details = view.rebootChangesDetails().split(QLatin1Char('\n'));
    QCOMPARE(details.value(0), QStringLiteral("Booted → running system:"));
    QVERIFY(details.contains(QStringLiteral("Upgraded (6):")));
    QVERIFY(details.contains(QStringLiteral("    mesa 25.1.6 → 25.2.4")));
    QVERIFY(details.contains(QStringLiteral("    python3 3.13.6 → 3.13.5")));
    QVERIFY(details.contains(QStringLiteral("    ripgrep 14.1.1 (new)")));
    QCOMPARE(details.value(details.size() - 1), QStringLiteral("    nano 8.5 (removed)"));

    // One package, and a long list cut short in the tooltip.
    snapshot.rebootChanges->packages.changes.resize(1);
    view.setStatus(snapshot, assessment, Thresholds(), now);
    QCOMPARE(view.rebootChanges(), QStringLiteral("A reboot would change 1 package (1 upgraded): curl 8.14.1 → 8.15.0."));
    for (int i = 0; i < 100; ++i)
        snapshot.rebootChanges->packages.changes.append({PackageChange::Kind::Added, QStringLiteral("pkg%1").arg(i, 3, 10, QLatin1Char('0')), {}, {"1.0"}});
    view.setStatus(snapshot, assessment, Thresholds(), now);
    QVERIFY2(view.rebootChanges().endsWith(QStringLiteral(" and 98 more.")), qPrintable(view.rebootChanges()));
    QVERIFY2(view.rebootChangesDetails().endsWith(QStringLiteral("\n… 64 more lines: nixos-status diff shows them all.")),
             qPrintable(view.rebootChangesDetails()));

    // Without a reboot verdict the line says nothing: the reasons decide what a reboot is for.
    Snapshot noReboot = snapshot;
    noReboot.generations.bootedSystem = noReboot.generations.currentSystem;
    view.setStatus(noReboot, Assessment::of(noReboot, Thresholds(), now), Thresholds(), now);
    QCOMPARE(view.rebootChanges(), QString());

    // Another machine: read back from the /status its exporter writes.
    snapshot.rebootChanges = goldenRebootChanges();
    HostStatus host{QStringLiteral("web1:9971"), assessment, QStringLiteral("generation 47 (booted 46)"),
                    RemoteSnapshot::fromStatusJson(StatusJson::toJson(snapshot, assessment, now))};
    view.setHost(host, Thresholds(), now);
    QVERIFY2(view.rebootChanges().startsWith(QStringLiteral("A reboot would change 9 packages (6 upgraded, 1 downgraded, 1 added, 1 removed): linux")),
             qPrintable(view.rebootChanges()));
    QVERIFY(view.rebootChangesDetails().contains(QStringLiteral("    nano 8.5 (removed)")));
    host.snapshot->rebootChanges.reset();
    view.setHost(host, Thresholds(), now);
    QCOMPARE(view.rebootChanges(), QString());
}

void TestTrayUi::flakeInputColoursMeanSomething()
{
    // One clock for the tree and the window: the golden lock's nixpkgs is 2, 20 and 40 days old.
    constexpr qint64 NixpkgsLocked = 1786245335;
    FixtureTree tree;
    GoldenFixture::build(tree, NixpkgsLocked + Thresholds::Day);
    const Snapshot snapshot = readTree(tree, {QStringLiteral("26.05")});
    MachineView view;
    const QColor base = view.palette().color(QPalette::Base);
    const auto rowOf = [&](const QString &name) {
        for (int row = 0; row < view.inputs().rowCount(); ++row) {
            if (view.inputs().item(row, MachineView::InputName)->text() == name)
                return row;
        }
        return -1;
    };
    const auto show = [&](qint64 days) {
        const qint64 now = NixpkgsLocked + days * Thresholds::Day;
        view.setStatus(snapshot, Assessment::of(snapshot, Thresholds(), now), Thresholds(), now);
    };
    const auto background = [&](const QString &input, int column) {
        return view.inputs().item(rowOf(input), column)->background();
    };

    show(2);
    QCOMPARE(view.inputs().item(rowOf(QStringLiteral("nixpkgs")), MachineView::InputHealth)->text(), QStringLiteral("fresh"));
    QColor fresh = background(QStringLiteral("nixpkgs"), MachineView::InputAge).color();
    QVERIFY2(fresh.green() > fresh.red() && fresh != base, qPrintable(fresh.name()));
    show(20);
    QCOMPARE(view.inputs().item(rowOf(QStringLiteral("nixpkgs")), MachineView::InputHealth)->text(), QStringLiteral("ageing"));
    show(40);
    QCOMPARE(view.inputs().item(rowOf(QStringLiteral("nixpkgs")), MachineView::InputHealth)->text(), QStringLiteral("stale"));
    const QColor stale = background(QStringLiteral("nixpkgs"), MachineView::InputAge).color();
    QVERIFY2(stale.red() > stale.green() && stale != base, qPrintable(stale.name()));
    // The other nixpkgs inputs are judged too; everything else is neutral, however old.
    QCOMPARE(view.inputs().item(rowOf(QStringLiteral("nixpkgs-unstable")), MachineView::InputHealth)->text(), QStringLiteral("stale"));
    QCOMPARE(background(QStringLiteral("agenix"), MachineView::InputAge).style(), Qt::NoBrush);
    QCOMPARE(view.inputs().item(rowOf(QStringLiteral("agenix")), MachineView::InputHealth)->text(), QString());
    QVERIFY(!view.inputs().item(rowOf(QStringLiteral("agenix")), MachineView::InputAge)->text().isEmpty());

    // A dark palette: the tint follows the base, so the light text stays readable.
    QPalette dark = view.palette();
    dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
    dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
    view.setPalette(dark);
    const QColor darkStale = background(QStringLiteral("nixpkgs"), MachineView::InputAge).color();
    QVERIFY2(darkStale.lightness() < 110 && darkStale.red() > darkStale.green(), qPrintable(darkStale.name()));
}

void TestTrayUi::rebootButtonFollowsLogind()
{
    DBusMock logind;
    QVERIFY2(logind.start(QStringLiteral("org.freedesktop.login1"), QStringLiteral("/org/freedesktop/login1"),
                          QStringLiteral("logind"), R"({"CanReboot": "yes"})"),
             qPrintable(logind.error()));
    TrayApplication::Options withLogind = options();
    withLogind.systemBus = QDBusConnection::sessionBus();
    TrayApplication tray(withLogind, *m_settings);
    tray.start();
    DetailsWindow *details = tray.showDetails();
    QVERIFY(QTest::qWaitForWindowExposed(details));
    QTRY_VERIFY(!details->rebootButton().isHidden());

    // "Not now" first: nothing happens. The question says what the reboot brings.
    QString asked;
    answerNextQuestion(QMessageBox::No, &asked);
    details->rebootButton().click();
    QCOMPARE(asked.replace(QChar::Nbsp, QLatin1Char(' ')),
             QStringLiteral("Reboot this machine now?\nIt will start linux 6.12.41 → 6.12.52, initrd.\n\n"
                            "Open programs will be closed."));
    QTest::qWait(300);
    QVERIFY(logind.calls(QStringLiteral("Reboot")).isEmpty());
    // "Yes": logind is asked, interactively (polkit may ask for a password).
    answerNextQuestion(QMessageBox::Yes);
    details->rebootButton().click();
    QTRY_COMPARE(logind.calls(QStringLiteral("Reboot")).size(), 1);
    QCOMPARE(logind.calls(QStringLiteral("Reboot")).first().value(0).toBool(), true);
}

void TestTrayUi::noRebootButtonWhereLogindSaysNo()
{
    DBusMock logind;
    QVERIFY2(logind.start(QStringLiteral("org.freedesktop.login1"), QStringLiteral("/org/freedesktop/login1"),
                          QStringLiteral("logind"), R"({"CanReboot": "no"})"),
             qPrintable(logind.error()));
    TrayApplication::Options withLogind = options();
    withLogind.systemBus = QDBusConnection::sessionBus();
    TrayApplication tray(withLogind, *m_settings);
    tray.start();
    DetailsWindow *details = tray.showDetails();
    QTRY_COMPARE(logind.calls(QStringLiteral("CanReboot")).size(), 1);
    QTest::qWait(200);  // its answer
    QVERIFY(details->rebootButton().isHidden());
}

void TestTrayUi::refreshAndSettingsButtons()
{
    TrayApplication tray(options(), *m_settings);
    tray.start();
    DetailsWindow *details = tray.showDetails();
    QVERIFY(QTest::qWaitForWindowExposed(details));

    QSignalSpy scanned(&tray.monitor(), &StatusMonitor::scanFinished);
    details->refreshButton().click();
    QVERIFY(scanned.wait(5000));

    // Settings opens the settings dialog (modal, over the window); Cancel closes it.
    bool seen = false;
    QTimer::singleShot(0, this, [&] {
        QTRY_VERIFY(qobject_cast<SettingsDialog *>(QApplication::activeModalWidget()));
        seen = QApplication::activeModalWidget()->parentWidget() == details;
        qobject_cast<QDialog *>(QApplication::activeModalWidget())->reject();
    });
    details->settingsButton().click();
    QVERIFY(seen);
}

void TestTrayUi::fleetListAndSelection()
{
    // Two real exporters (the golden machine and a healthy one) and one that is not there.
    FixtureTree healthyTree;
    GoldenFixture::buildHealthy(healthyTree, QDateTime::currentSecsSinceEpoch());
    ExporterProcess golden;
    ExporterProcess healthy;
    QVERIFY2(golden.start({QStringLiteral("--root"), m_tree->root(), QStringLiteral("--collector.flake"),
                           QStringLiteral("--flake.supported-releases=26.05")}),
             qPrintable(golden.error()));
    QVERIFY2(healthy.start({QStringLiteral("--root"), healthyTree.root()}), qPrintable(healthy.error()));
    const QString gone = QStringLiteral("127.0.0.1:%1").arg(closedPort());
    const QString goldenHost = QStringLiteral("127.0.0.1:%1").arg(golden.port());
    TraySettings(*m_settings).setFleetExporters(
        {goldenHost, QStringLiteral("127.0.0.1:%1").arg(healthy.port()), gone});

    TrayApplication tray(options(), *m_settings);
    tray.start();
    DetailsWindow *details = tray.showDetails();
    QVERIFY(QTest::qWaitForWindowExposed(details));
    QListWidget &machines = details->machines();
    QTRY_COMPARE_WITH_TIMEOUT(machines.count(), 4, 20'000);
    QVERIFY(!machines.isHidden());
    // This machine first, then the others by name; each with its state and one line.
    QStringList names;
    for (int row = 0; row < machines.count(); ++row)
        names.append(machines.item(row)->text().section(QLatin1Char('\n'), 0, 0));
    QStringList others{goldenHost, QStringLiteral("127.0.0.1:%1").arg(healthy.port()), gone};
    others.sort();
    QCOMPARE(names, QStringList{QStringLiteral("This machine")} + others);
    QCOMPARE(machines.item(0)->text(), QStringLiteral("This machine\nneeds a reboot and an update"));
    const int goneRow = int(names.indexOf(gone));
    QCOMPARE(machines.item(goneRow)->text(), gone + QStringLiteral("\ncannot be read"));
    QCOMPARE(machines.item(int(names.indexOf(QStringLiteral("127.0.0.1:%1").arg(healthy.port()))))->text().section(QLatin1Char('\n'), 1),
             QStringLiteral("all is well"));
    QVERIFY(machines.item(0)->icon().cacheKey() != machines.item(goneRow)->icon().cacheKey());

    // Choosing a machine shows its details in the same view.
    machines.setCurrentRow(int(names.indexOf(goldenHost)));
    QCOMPARE(details->machine().verdict(), QStringLiteral("%1 needs a reboot and an update.").arg(goldenHost));
    QVERIFY2(details->machine().reasons().startsWith(QStringLiteral("• Reboot required: linux 6.12.41 → 6.12.52, initrd")),
             qPrintable(details->machine().reasons()));
    QVERIFY(details->machine().facts().startsWith(QStringLiteral("Generation 47 (booted 46)\nnixpkgs ")));
    // Its generations and inputs, from its /status, in the same tables.
    QCOMPARE(details->machine().generations().rowCount(), 3);
    QCOMPARE(details->machine().generations().item(0, 5)->text(), QStringLiteral("gaming, safe-mode"));
    QCOMPARE(details->machine().inputs().item(0, MachineView::InputName)->text(), QStringLiteral("nixpkgs"));
    QVERIFY(details->machine().inputs().item(0, MachineView::InputHealth)->text().startsWith(QStringLiteral("stale")));
    // Not this machine: no Reboot.
    QVERIFY(details->rebootButton().isHidden());
    // A machine whose exporter does not read its lock, and one that cannot be asked.
    machines.setCurrentRow(int(names.indexOf(QStringLiteral("127.0.0.1:%1").arg(healthy.port()))));
    QVERIFY2(details->machine().inputsNote().startsWith(QStringLiteral("The exporter on 127.0.0.1:%1 does not read its flake.lock")
                                                            .arg(healthy.port())),
             qPrintable(details->machine().inputsNote()));
    QVERIFY(details->machine().inputs().isHidden());
    machines.setCurrentRow(goneRow);
    QCOMPARE(details->machine().verdict(), QStringLiteral("The state of %1 cannot be read.").arg(gone));
    QVERIFY(details->machine().generations().isHidden() && details->machine().inputs().isHidden());
    machines.setCurrentRow(0);
    QCOMPARE(details->machine().verdict(), QStringLiteral("This machine needs a reboot and an update."));
    QVERIFY(!details->machine().generations().isHidden() && !details->machine().inputs().isHidden());

    machines.setCurrentRow(int(names.indexOf(goldenHost)));
    saveScreenshot(*details, QStringLiteral("fleet.png"));
}

void TestTrayUi::screenshotsForTheReadme()
{
    // The golden machine (its 26.05 branch counted as maintained, so the picture is the same on
    // any date) and a healthy channel system, read as the tray reads them.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    Snapshot attention = readTree(*m_tree, {QStringLiteral("26.05")});
    attention.rebootChanges = goldenRebootChanges();
    FixtureTree healthyTree;
    GoldenFixture::buildHealthy(healthyTree, now);
    const Snapshot healthy = readTree(healthyTree);
    const QPalette light = QApplication::style()->standardPalette();
    for (const auto &[palette, theme] : {std::pair{light, QStringLiteral("light")}, std::pair{darkPalette(), QStringLiteral("dark")}}) {
        QApplication::setPalette(palette);
        for (const auto &[snapshot, state] : {std::pair{attention, QStringLiteral("attention")}, std::pair{healthy, QStringLiteral("ok")}}) {
            DetailsWindow window;
            window.setRebootAvailable(true);
            window.setStatus(snapshot, Assessment::of(snapshot, Thresholds(), now), Thresholds(), now);
            saveScreenshot(window, QStringLiteral("details-%1-%2.png").arg(state, theme));
        }
    }
    QApplication::setPalette(light);

    TraySettings settings(*m_settings);
    settings.setFleetExporters({QStringLiteral("web1:9971"), QStringLiteral("web2:9971")});
    SettingsDialog dialog(settings);
    saveScreenshot(dialog, QStringLiteral("settings.png"));
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
