// SPDX-License-Identifier: MIT
#include "maintenancereader.h"

#include "statusmonitor.h"

#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QTimer>

#include <limits>
#include <memory>

namespace {
const QString Service = QStringLiteral("org.freedesktop.systemd1");
const QString ManagerPath = QStringLiteral("/org/freedesktop/systemd1");
const QString ManagerInterface = QStringLiteral("org.freedesktop.systemd1.Manager");
const QString UnitInterface = QStringLiteral("org.freedesktop.systemd1.Unit");
const QString PropertiesInterface = QStringLiteral("org.freedesktop.DBus.Properties");

// systemd's timestamps are microseconds since the epoch; 0 is "never", UINT64_MAX "not set".
std::optional<qint64> seconds(const QVariant &microseconds)
{
    const qulonglong value = microseconds.toULongLong();
    if (value == 0 || value == std::numeric_limits<qulonglong>::max())
        return std::nullopt;
    return qint64(value / 1'000'000);
}

// One unit from its Unit properties and those of its type (Service or Timer); nullopt for a
// unit systemd has no file for.
std::optional<MaintenanceUnit> describe(const QString &name, const QVariantMap &unit, const QVariantMap &type)
{
    if (unit.value(QStringLiteral("LoadState")).toString() == QLatin1String("not-found"))
        return std::nullopt;
    MaintenanceUnit result;
    result.name = name;
    result.activeState = unit.value(QStringLiteral("ActiveState")).toString();
    if (result.isTimer()) {
        result.lastRunAt = seconds(type.value(QStringLiteral("LastTriggerUSec")));
        result.nextRunAt = seconds(type.value(QStringLiteral("NextElapseUSecRealtime")));
        return result;
    }
    result.result = type.value(QStringLiteral("Result")).toString();
    // ExecMainExitTimestamp is reset when a run starts; InactiveEnterTimestamp is when the
    // last run ended even when its process never started (a failed ExecStartPre=).
    result.lastRunAt = seconds(type.value(QStringLiteral("ExecMainExitTimestamp")));
    if (!result.lastRunAt)
        result.lastRunAt = seconds(unit.value(QStringLiteral("InactiveEnterTimestamp")));
    // Result is reset to "success" when a run starts: it speaks of a run that has ended.
    const bool ended = result.activeState == QLatin1String("inactive") || result.activeState == QLatin1String("failed");
    if (result.lastRunAt && ended && !result.result.isEmpty())
        result.lastRunSucceeded = result.result == QLatin1String("success");
    return result;
}

SourceStatus sourceStatus(bool ok, const QString &error, double seconds, bool underWay = false)
{
    SourceStatus status;
    status.enabled = true;
    status.ok = ok;
    status.error = error;
    status.seconds = seconds;
    status.underWay = underWay;
    return status;
}

QDBusMessage managerCall(const QString &method, const QVariantList &arguments = {})
{
    QDBusMessage message = QDBusMessage::createMethodCall(Service, ManagerPath, ManagerInterface, method);
    message.setArguments(arguments);
    return message;
}
} // namespace

MaintenanceReader::MaintenanceReader(StatusMonitor &monitor, QDBusConnection bus, QObject *parent)
    : QObject(parent), m_monitor(monitor), m_bus(std::move(bus))
{
}

void MaintenanceReader::start()
{
    m_firstRead.start();
    m_monitor.setMaintenanceResult(sourceStatus(false, {}, 0, true), {});
    if (!m_bus.isConnected()) {
        fail(QStringLiteral("no system bus: %1").arg(m_bus.lastError().message()));
        return;
    }
    // Slots that take the message: QtDBus 6.4 does not connect a slot with a QDBusObjectPath.
    m_bus.connect(Service, ManagerPath, ManagerInterface, QStringLiteral("UnitNew"), this, SLOT(unitNew(QDBusMessage)));
    m_bus.connect(Service, ManagerPath, ManagerInterface, QStringLiteral("Reloading"), this, SLOT(reloading(QDBusMessage)));
    subscribe();
}

void MaintenanceReader::subscribe()
{
    // systemd sends unit signals only while a client is subscribed.
    auto *call = new QDBusPendingCallWatcher(m_bus.asyncCall(managerCall(QStringLiteral("Subscribe"))), this);
    connect(call, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *call) {
        call->deleteLater();
        if (call->isError())
            fail(QStringLiteral("systemd Subscribe: %1").arg(call->error().message()));
    });
    lookUpAll();
}

void MaintenanceReader::lookUpAll()
{
    m_complete = false;
    for (const QString &name : Maintenance::unitNames())
        lookUp(name);
}

void MaintenanceReader::unitNew(const QDBusMessage &message)
{
    // UnitNew(s id, o unit)
    const QString name = message.arguments().value(0).toString();
    if (Maintenance::unitNames().contains(name))
        lookUp(name);
}

void MaintenanceReader::reloading(const QDBusMessage &message)
{
    // Reloading(b active): after a daemon-reload units may have come or gone.
    if (!message.arguments().value(0).toBool())
        lookUpAll();
}

void MaintenanceReader::propertiesChanged(const QString &, const QVariantMap &, const QStringList &,
                                          const QDBusMessage &message)
{
    // Changed and invalidated properties alike: the unit is read again, whole.
    const QString name = m_paths.value(message.path());
    if (!name.isEmpty())
        read(name, ++m_units[name].serial);
}

void MaintenanceReader::lookUp(const QString &name)
{
    Entry &entry = m_units[name];
    entry.pending = true;
    findUnit(name, ++entry.serial, QStringLiteral("GetUnit"));
}

// GetUnit knows loaded units only; one that is not loaded (NoSuchUnit) may still have a unit
// file, which LoadUnit finds. What LoadUnit cannot find is absent.
void MaintenanceReader::findUnit(const QString &name, int serial, const QString &method)
{
    auto *call = new QDBusPendingCallWatcher(m_bus.asyncCall(managerCall(method, {name})), this);
    connect(call, &QDBusPendingCallWatcher::finished, this, [this, name, serial, method](QDBusPendingCallWatcher *call) {
        call->deleteLater();
        const QDBusPendingReply<QDBusObjectPath> reply = *call;
        if (!current(name, serial))
            return;
        if (!reply.isError())
            watch(name, reply.value().path(), serial);
        else if (unreachable(reply.error()))
            fail(QStringLiteral("systemd %1 %2: %3").arg(method, name, reply.error().message()));
        else if (method == QLatin1String("GetUnit"))
            findUnit(name, serial, QStringLiteral("LoadUnit"));
        else
            settle(name, std::nullopt);
    });
}

void MaintenanceReader::watch(const QString &name, const QString &path, int serial)
{
    Entry &entry = m_units[name];
    if (entry.path != path) {
        m_paths.remove(entry.path);
        entry.path = path;
        m_paths.insert(path, name);
        m_bus.connect(Service, path, PropertiesInterface, QStringLiteral("PropertiesChanged"), this,
                      SLOT(propertiesChanged(QString, QVariantMap, QStringList, QDBusMessage)));
    }
    read(name, serial);
}

void MaintenanceReader::read(const QString &name, int serial)
{
    Entry &entry = m_units[name];
    entry.pending = true;
    const QString typeInterface = name.endsWith(QLatin1String(".timer")) ? QStringLiteral("org.freedesktop.systemd1.Timer")
                                                                         : QStringLiteral("org.freedesktop.systemd1.Service");
    // Both GetAll answers, then one update.
    struct Answers
    {
        QVariantMap unit;
        QVariantMap type;
        int left = 2;
        QString error;
    };
    auto answers = std::make_shared<Answers>();
    for (const QString &interface : {UnitInterface, typeInterface}) {
        QDBusMessage message = QDBusMessage::createMethodCall(Service, entry.path, PropertiesInterface, QStringLiteral("GetAll"));
        message.setArguments({interface});
        auto *call = new QDBusPendingCallWatcher(m_bus.asyncCall(message), this);
        const bool isUnit = interface == UnitInterface;
        connect(call, &QDBusPendingCallWatcher::finished, this,
                [this, name, serial, answers, isUnit](QDBusPendingCallWatcher *call) {
                    call->deleteLater();
                    const QDBusPendingReply<QVariantMap> reply = *call;
                    if (reply.isError()) {
                        // Without the type's properties the unit is still there, its times unknown.
                        if (isUnit || unreachable(reply.error()))
                            answers->error = reply.error().message();
                    } else {
                        (isUnit ? answers->unit : answers->type) = reply.value();
                    }
                    if (--answers->left > 0 || !current(name, serial))
                        return;
                    if (!answers->error.isEmpty())
                        fail(QStringLiteral("systemd properties of %1: %2").arg(name, answers->error));
                    else
                        settle(name, describe(name, answers->unit, answers->type));
                });
    }
}

bool MaintenanceReader::current(const QString &name, int serial) const
{
    return m_failure.isEmpty() && m_units.value(name).serial == serial;
}

void MaintenanceReader::settle(const QString &name, std::optional<MaintenanceUnit> unit)
{
    Entry &entry = m_units[name];
    entry.pending = false;
    entry.unit = std::move(unit);
    publish();
}

void MaintenanceReader::fail(const QString &reason)
{
    if (!m_failure.isEmpty())
        return;
    m_failure = reason;
    m_monitor.setMaintenanceResult(sourceStatus(false, reason, m_firstRead.elapsed() / 1000.0), {});
    // systemd restarting (daemon-reexec) is no reason to stop: look again a minute later. A
    // bus that was never there does not come back to this connection.
    if (m_bus.isConnected()) {
        QTimer::singleShot(RetryMs, this, [this] {
            m_failure.clear();
            m_firstRead.start();
            subscribe();
        });
    }
}

void MaintenanceReader::publish()
{
    // Nothing until every unit has its first answer: a half-read state would show units as
    // absent that are only not read yet.
    MaintenanceState state;
    for (const QString &name : Maintenance::unitNames()) {
        const Entry entry = m_units.value(name);
        if (entry.pending && !m_complete)
            return;
        if (entry.unit)
            state.units.append(*entry.unit);
    }
    if (!m_complete)
        m_seconds = m_firstRead.elapsed() / 1000.0;
    m_complete = true;
    m_monitor.setMaintenanceResult(sourceStatus(true, {}, m_seconds), state);
}

bool MaintenanceReader::unreachable(const QDBusError &error)
{
    // No systemd on the bus, or it does not answer: nothing can be said. Other errors are about
    // the unit (NoSuchUnit), or a method this systemd lacks.
    switch (error.type()) {
    case QDBusError::ServiceUnknown:
    case QDBusError::NoReply:
    case QDBusError::Timeout:
    case QDBusError::Disconnected:
    case QDBusError::NoServer:
    case QDBusError::AccessDenied:
        return true;
    default:
        return false;
    }
}
