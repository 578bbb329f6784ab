// SPDX-License-Identifier: MIT
#include "trayapplication.h"

#include "detailswindow.h"
#include "settingsdialog.h"
#include "upgradenotice.h"
#include "upgradestate.h"

#include <QApplication>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDateTime>
#include <QLoggingCategory>
#include <QAbstractButton>
#include <QMessageBox>

Q_LOGGING_CATEGORY(lcTray, "nixos.tray", QtInfoMsg)

namespace {
// inotify does the work; the rescan only catches what it cannot see. A tray is idle.
constexpr int RescanIntervalMs = 15 * 60 * 1000;
// How long to wait for a StatusNotifierWatcher before settling for an XEmbed tray.
constexpr int XEmbedGraceMs = 10'000;
// QTimer takes an int of milliseconds; waking once a day at most is plenty.
constexpr qint64 MaxSleepSeconds = 24 * 3600;

qint64 now()
{
    return QDateTime::currentSecsSinceEpoch();
}
} // namespace

TrayApplication::TrayApplication(const Options &options, QSettings &settings, QObject *parent)
    : QObject(parent),
      m_options(options),
      m_settings(settings),
      m_policy(settings),
      m_sender(options.sessionBus),
      m_rebooter(options.systemBus)
{
    m_wakeUp.setSingleShot(true);
    connect(&m_wakeUp, &QTimer::timeout, this, &TrayApplication::refresh);
    connect(&m_policy, &NotificationPolicy::notificationRequested, this, &TrayApplication::notify);
    connect(&m_policy, &NotificationPolicy::notificationWithdrawn, &m_sender, &NotificationSender::close);
    connect(&m_sender, &NotificationSender::actionInvoked, this, &TrayApplication::onAction);
    connect(&m_rebooter, &Rebooter::availabilityChanged, &m_icon, &TrayIcon::setRebootAvailable);
    connect(&m_rebooter, &Rebooter::rebootFailed, this, [](const QString &message) {
        QMessageBox::warning(nullptr, QStringLiteral("Reboot"), QStringLiteral("The reboot failed: %1").arg(message));
    });
    connect(&m_icon, &TrayIcon::detailsRequested, this, &TrayApplication::showDetails);
    connect(&m_icon, &TrayIcon::settingsRequested, this, &TrayApplication::showSettings);
    connect(&m_icon, &TrayIcon::snoozeRequested, this, &TrayApplication::snooze);
    connect(&m_icon, &TrayIcon::rebootRequested, this, &TrayApplication::confirmReboot);
    connect(&m_icon, &TrayIcon::quitRequested, qApp, &QApplication::quit);
}

TrayApplication::~TrayApplication()
{
    delete m_details;
}

void TrayApplication::start()
{
    // The fleet first: the monitor's first snapshot then already waits for its answer.
    restartFleet();
    restartMonitor();
    showInXEmbedTrayWithoutWatcher();
}

void TrayApplication::showInXEmbedTrayWithoutWatcher()
{
    // The StatusNotifierItem registers itself whenever a panel's watcher runs. An XEmbed-only
    // panel has none: after a grace period (a panel may still be starting), use its tray.
    if (m_icon.isVisible())
        return;
    qCInfo(lcTray) << "no StatusNotifierWatcher yet; waiting for one before using an XEmbed tray";
    QTimer::singleShot(XEmbedGraceMs, this, [this] {
        const QDBusConnectionInterface *bus = m_options.sessionBus.interface();
        const bool watcher = bus && bus->isServiceRegistered(StatusNotifierItem::WatcherService);
        if (!m_icon.isVisible() && !watcher && QSystemTrayIcon::isSystemTrayAvailable())
            m_icon.showInXEmbedTray();
    });
}

void TrayApplication::restartMonitor()
{
    m_upgrade.reset();  // it holds the monitor
    StatusMonitor::Settings settings;
    settings.read.flake = true;
    settings.read.lockOptional = true;
    settings.read.boot = true;
    // What a reboot would change, under the verdict: the Nix database is read only when the
    // booted or the running system changes.
    settings.read.rebootChanges = true;
    settings.read.lockPath = m_settings.lockPath();
    settings.rescanIntervalMs = RescanIntervalMs;
    m_maintenance.reset();
    m_monitor = std::make_unique<StatusMonitor>(SystemLayout(m_options.root), settings);
    connect(m_monitor.get(), &StatusMonitor::snapshotChanged, this, &TrayApplication::refresh);
    m_monitor->start();
    // Auto-upgrade and garbage collection in the details and notifications, from systemd's
    // signals; without a system bus (a container, a test) the tray says nothing about them.
    if (QDBusConnection::systemBus().isConnected()) {
        m_maintenance = std::make_unique<MaintenanceReader>(*m_monitor);
        m_maintenance->start();
    }
    restartUpgradeCheck();
}

void TrayApplication::restartUpgradeCheck()
{
    m_upgrade.reset();
    if (!m_settings.upgradeCheck()) {
        m_monitor->setUpgradeResult({}, {});  // a check turned off knows nothing any more
        return;
    }
    // The exporter's upgrade collector's own check: its answers go into the snapshot.
    m_upgrade = std::make_unique<UpgradeChecker>(*m_monitor, m_settings.upgradeCheckSettings());
    m_upgrade->start();
}

void TrayApplication::restartFleet()
{
    FleetMonitor::Settings settings;
    settings.exporters = m_settings.fleetExporters();
    settings.prometheus = m_settings.fleetPrometheus();
    settings.thresholds = m_settings.thresholds();
    if (settings.exporters.isEmpty() && settings.prometheus.isEmpty()) {
        m_fleet.reset();
        return;
    }
    m_fleet = std::make_unique<FleetMonitor>(settings);
    connect(m_fleet.get(), &FleetMonitor::hostsChanged, this, &TrayApplication::refresh);
    m_fleet->start();
}

void TrayApplication::refresh()
{
    if (!m_monitor)
        return;  // the fleet answered before the first read of this machine
    const qint64 time = now();
    const Thresholds thresholds = m_settings.thresholds();
    const Snapshot &snapshot = m_monitor->snapshot();
    const Assessment local = Assessment::of(snapshot, thresholds, time);
    const QList<HostStatus> hosts = m_fleet ? m_fleet->hosts() : QList<HostStatus>();
    // The icon and the notifications cover every machine; the details keep them apart.
    const Assessment everything = Fleet::combine(local, hosts);
    m_icon.setStatus(snapshot, everything, time);
    m_icon.setSnoozedUntil(m_policy.snoozedUntil(time));
    if (m_details) {
        m_details->setStatus(snapshot, local, thresholds, time);
        m_details->setHosts(hosts);
    }
    // With other machines configured, the first notification waits for their first answer,
    // so that a start with a fleet is told in one summary.
    if (!m_fleet || m_fleet->answered()) {
        QStringList codes = m_settings.notifiedCodes();
        Assessment notified = local;
        const bool upgradeUnknown = m_settings.upgradeCheck() && !Upgrade::pending(snapshot);
        if (m_settings.upgradeCheck()) {
            codes.append(UpgradeNotice::Code);
            if (const std::optional<Assessment::Finding> upgrade = UpgradeNotice::of(snapshot))
                notified.findings.append(*upgrade);
        }
        m_policy.setEnabledCodes(codes);
        // A restart's check has not answered yet: that is no upgrade done.
        m_policy.setUnknownCodes(upgradeUnknown ? QStringList{UpgradeNotice::Code} : QStringList());
        m_policy.update(notified, hosts, time);
    }
    scheduleWakeUp(time);
}

void TrayApplication::scheduleWakeUp(qint64 time)
{
    // Sleep until time alone changes something: a threshold crossed, a snooze over.
    qint64 next = time + MaxSleepSeconds;
    for (const std::optional<qint64> moment :
         {Assessment::nextChange(m_monitor->snapshot(), m_settings.thresholds(), time), m_policy.nextWakeUp(time)}) {
        if (moment)
            next = std::min(next, *moment);
    }
    m_wakeUp.start(int((next - time) * 1000));
}

void TrayApplication::notify(const NotificationRequest &request)
{
    QList<NotificationSender::Action> actions;
    // Reboot is offered for this machine only (the id of another's names the host).
    if (request.id == QLatin1String("reboot-required") && m_rebooter.isAvailable())
        actions.append({QStringLiteral("reboot"), QStringLiteral("Reboot…")});
    actions.append({QStringLiteral("details"), QStringLiteral("Details")});
    actions.append({QStringLiteral("remind"), QStringLiteral("Remind me tomorrow")});
    m_sender.show(request, actions);
}

void TrayApplication::onAction(const QStringList &keys, const QString &action)
{
    if (action == QLatin1String("reboot")) {
        confirmReboot();
    } else if (action == QLatin1String("remind")) {
        for (const QString &key : keys)
            m_policy.remindLater(key, now() + Thresholds::Day);
        scheduleWakeUp(now());
    } else {
        showDetails();  // "details", and "default" (a click on the notification itself)
    }
}

DetailsWindow *TrayApplication::showDetails()
{
    if (!m_details) {
        m_details = new DetailsWindow;
        m_details->setRebootAvailable(m_rebooter.isAvailable());
        connect(&m_rebooter, &Rebooter::availabilityChanged, m_details, &DetailsWindow::setRebootAvailable);
        connect(m_details, &DetailsWindow::rebootRequested, this, &TrayApplication::confirmReboot);
        connect(m_details, &DetailsWindow::settingsRequested, this, &TrayApplication::showSettings);
        connect(m_details, &DetailsWindow::refreshRequested, this, [this] {
            m_monitor->requestRescan();
            if (m_fleet)
                m_fleet->poll();
        });
    }
    const qint64 time = now();
    const Thresholds thresholds = m_settings.thresholds();
    m_details->setStatus(m_monitor->snapshot(), Assessment::of(m_monitor->snapshot(), thresholds, time),
                         thresholds, time);
    m_details->setHosts(m_fleet ? m_fleet->hosts() : QList<HostStatus>());
    m_details->show();
    m_details->raise();
    m_details->activateWindow();
    return m_details;
}

void TrayApplication::snooze(qint64 seconds)
{
    m_policy.snoozeAll(seconds > 0 ? now() + seconds : 0);
    refresh();
}

void TrayApplication::showSettings()
{
    const QString lockPath = m_settings.lockPath();
    const bool upgradeCheck = m_settings.upgradeCheck();
    SettingsDialog dialog(m_settings, m_details && m_details->isVisible() ? m_details.data() : nullptr);
    if (dialog.exec() != QDialog::Accepted)
        return;
    restartFleet();
    if (m_settings.upgradeCheck() != upgradeCheck && m_settings.lockPath() == lockPath)
        restartUpgradeCheck();
    if (m_settings.lockPath() != lockPath)
        restartMonitor();  // emits snapshotChanged, which refreshes
    else
        refresh();
}

void TrayApplication::confirmReboot()
{
    // What the reboot brings, in the finding's words ("reboot required: linux 6.12.41 → 6.12.52, initrd").
    QString brings;
    for (const Assessment::Finding &finding : Assessment::of(m_monitor->snapshot(), m_settings.thresholds(), now()).findings) {
        if (finding.code != QLatin1String("reboot-required"))
            continue;
        // Each change in one piece ("linux 6.12.41 → 6.12.52"), however narrow the box: the
        // lines break only between them.
        QStringList changes = finding.message.section(QStringLiteral(": "), 1).split(QStringLiteral(", "));
        for (QString &change : changes)
            change.replace(QLatin1Char(' '), QChar::Nbsp);
        brings = changes.join(QStringLiteral(", "));
    }
    // Over the details window when the question comes from there.
    QMessageBox question(QMessageBox::Question, QStringLiteral("Reboot"), QStringLiteral("Reboot this machine now?"),
                         QMessageBox::Yes | QMessageBox::No, m_details && m_details->isVisible() ? m_details.data() : nullptr);
    question.setInformativeText(brings.isEmpty() ? QStringLiteral("Open programs will be closed.")
                                                 : QStringLiteral("It will start %1.\n\nOpen programs will be closed.").arg(brings));
    question.button(QMessageBox::Yes)->setText(QStringLiteral("Reboot"));
    question.button(QMessageBox::No)->setText(QStringLiteral("Not now"));
    question.setDefaultButton(QMessageBox::No);
    if (question.exec() == QMessageBox::Yes)
        m_rebooter.reboot();
}
