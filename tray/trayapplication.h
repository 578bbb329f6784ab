// SPDX-License-Identifier: MIT
#pragma once

#include "fleetmonitor.h"
#include "maintenancereader.h"
#include "notificationpolicy.h"
#include "notificationsender.h"
#include "rebooter.h"
#include "statusmonitor.h"
#include "trayicon.h"
#include "traysettings.h"
#include "upgradechecker.h"

#include <QObject>
#include <QPointer>
#include <QSettings>
#include <QTimer>

#include <memory>

class DetailsWindow;

// nixos-tray: the core's monitor in, an icon, a menu, windows and notifications out.
class TrayApplication : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString root = QStringLiteral("/");
        QDBusConnection sessionBus = QDBusConnection::sessionBus();
        QDBusConnection systemBus = QDBusConnection::systemBus();
    };

    TrayApplication(const Options &options, QSettings &settings, QObject *parent = nullptr);
    ~TrayApplication() override;

    void start();

    // For tests and the notification actions.
    TrayIcon &icon() { return m_icon; }
    DetailsWindow *showDetails();
    NotificationPolicy &policy() { return m_policy; }
    StatusMonitor &monitor() { return *m_monitor; }

private:
    void restartMonitor();
    void restartFleet();
    void restartUpgradeCheck();
    void refresh();
    void scheduleWakeUp(qint64 now);
    void notify(const NotificationRequest &request);
    void onAction(const QStringList &keys, const QString &action);
    void snooze(qint64 seconds);
    void showSettings();
    void confirmReboot();
    void showInXEmbedTrayWithoutWatcher();

    const Options m_options;
    TraySettings m_settings;
    std::unique_ptr<StatusMonitor> m_monitor;
    // systemd's maintenance units for the monitor, where there is a system bus; goes first.
    std::unique_ptr<MaintenanceReader> m_maintenance;
    std::unique_ptr<UpgradeChecker> m_upgrade;  // only when the user turned it on; feeds m_monitor
    std::unique_ptr<FleetMonitor> m_fleet;  // only when other machines are configured
    NotificationPolicy m_policy;
    NotificationSender m_sender;
    Rebooter m_rebooter;
    TrayIcon m_icon;
    QPointer<DetailsWindow> m_details;
    QTimer m_wakeUp;
};
