// SPDX-License-Identifier: MIT
#pragma once

#include "maintenancestate.h"
#include "snapshot.h"

#include <QDBusConnection>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>

class QDBusMessage;
class QDBusPendingCall;
class StatusMonitor;

// Asks systemd (org.freedesktop.systemd1 on the system bus) about the maintenance units
// (Maintenance::unitNames) and hands every change to StatusMonitor::setMaintenanceResult;
// the core has no D-Bus. It does not poll: after Subscribe, systemd sends PropertiesChanged
// for a unit that changes (read again then, whole), UnitNew when one is loaded and Reloading
// after a daemon-reload (nixos-rebuild switch), when every unit is looked up again.
//
// A unit systemd does not have (GetUnit fails and LoadUnit says "not-found") is absent. Every
// call is asynchronous: a slow systemd never holds up the thread that serves scrapes. No
// system bus, or no systemd on it, fails the source with one line saying why (and systemd
// is asked again a minute later).
class MaintenanceReader : public QObject
{
    Q_OBJECT
public:
    explicit MaintenanceReader(StatusMonitor &monitor, QDBusConnection bus = QDBusConnection::systemBus(),
                               QObject *parent = nullptr);

    // Marks the source as under way, subscribes and looks every unit up.
    void start();

private Q_SLOTS:
    void unitNew(const QDBusMessage &message);
    void reloading(const QDBusMessage &message);
    void propertiesChanged(const QString &interface, const QVariantMap &changed, const QStringList &invalidated,
                           const QDBusMessage &message);

private:
    struct Entry
    {
        QString path;                         // the unit's object, once looked up
        std::optional<MaintenanceUnit> unit;  // nullopt: systemd does not have it
        int serial = 0;                       // of the newest lookup or read; older answers are dropped
        bool pending = true;                  // a lookup or read is under way
    };

    static constexpr int RetryMs = 60'000;

    void subscribe();
    void lookUpAll();
    void lookUp(const QString &name);
    void findUnit(const QString &name, int serial, const QString &method);
    void watch(const QString &name, const QString &path, int serial);
    void read(const QString &name, int serial);
    void settle(const QString &name, std::optional<MaintenanceUnit> unit);
    bool current(const QString &name, int serial) const;
    void fail(const QString &reason);
    void publish();
    static bool unreachable(const QDBusError &error);

    StatusMonitor &m_monitor;
    QDBusConnection m_bus;
    QHash<QString, Entry> m_units;  // by unit name
    QHash<QString, QString> m_paths; // object path -> unit name, for PropertiesChanged
    QString m_failure;               // set when systemd cannot be reached
    bool m_complete = false;         // every unit answered since the last full lookup
    QElapsedTimer m_firstRead;
    double m_seconds = 0;            // how long the last full lookup took
};
