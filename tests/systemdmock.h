// SPDX-License-Identifier: MIT
#pragma once

#include "dbusmock.h"

#include <QDBusObjectPath>
#include <QVariantMap>

// python3-dbusmock's systemd template on the bus DBUS_SYSTEM_BUS_ADDRESS names, with what the
// template lacks of systemd: Subscribe, and LoadUnit, which answers for a unit without a file
// with an object whose LoadState is "not-found". Units get the properties the maintenance
// collector reads (timestamps in microseconds, as systemd's).
class SystemdMock
{
public:
    static inline const QString Manager = QStringLiteral("org.freedesktop.systemd1.Manager");
    static inline const QString ManagerPath = QStringLiteral("/org/freedesktop/systemd1");
    static inline const QString Unit = QStringLiteral("org.freedesktop.systemd1.Unit");
    static inline const QString Service = QStringLiteral("org.freedesktop.systemd1.Service");
    static inline const QString Timer = QStringLiteral("org.freedesktop.systemd1.Timer");
    static inline const QString NotFoundPath = QStringLiteral("/org/freedesktop/systemd1/unit/not_found");

    // Empty, or why the mock did not start.
    QString start()
    {
        if (!m_mock.start(QStringLiteral("org.freedesktop.systemd1"), ManagerPath, QStringLiteral("systemd")))
            return m_mock.error();
        QString error = manager(QStringLiteral("AddObject"),
                                {NotFoundPath, Unit,
                                 QVariantMap{{QStringLiteral("LoadState"), QStringLiteral("not-found")},
                                             {QStringLiteral("ActiveState"), QStringLiteral("inactive")}},
                                 QVariant::fromValue(QVariantList())});
        if (error.isEmpty())
            error = addMethod(QStringLiteral("Subscribe"), QString(), QString(), QString());
        if (error.isEmpty())
            error = addMethod(QStringLiteral("LoadUnit"), QStringLiteral("s"), QStringLiteral("o"),
                              QStringLiteral("ret = self.units.get(args[0], '%1')").arg(NotFoundPath));
        return error;
    }

    // The template's object path for a unit (its escape_unit_name).
    static QString unitPath(QString name)
    {
        return ManagerPath + QStringLiteral("/unit/")
               + name.replace(QLatin1Char('.'), QLatin1Char('_')).replace(QLatin1Char('-'), QLatin1Char('_'));
    }
    static QVariant usec(qint64 seconds) { return QVariant::fromValue(qulonglong(seconds) * 1'000'000ULL); }

    // A unit with its Unit properties and those of its type (Service or Timer); empty or the error.
    QString addUnit(const QString &name, const QVariantMap &unit, const QVariantMap &type)
    {
        const QString typeInterface = name.endsWith(QLatin1String(".timer")) ? Timer : Service;
        // The template gives every unit Id, Names, LoadState and ActiveState: those are changed,
        // the rest added.
        static const QStringList templates{QStringLiteral("Id"), QStringLiteral("Names"), QStringLiteral("LoadState"),
                                           QStringLiteral("ActiveState")};
        QVariantMap changed;
        QVariantMap added;
        for (auto it = unit.cbegin(); it != unit.cend(); ++it)
            (templates.contains(it.key()) ? changed : added).insert(it.key(), it.value());
        QString error = manager(QStringLiteral("AddMockUnit"), {name});
        if (error.isEmpty() && !changed.isEmpty())
            error = update(name, Unit, changed);
        if (error.isEmpty())
            error = m_mock.call(unitPath(name), MockInterface, QStringLiteral("AddProperties"), {Unit, added});
        if (error.isEmpty())
            error = m_mock.call(unitPath(name), MockInterface, QStringLiteral("AddProperties"), {typeInterface, type});
        return error;
    }
    // Changes properties and emits PropertiesChanged, as systemd does.
    QString update(const QString &name, const QString &interface, const QVariantMap &properties)
    {
        return m_mock.call(unitPath(name), MockInterface, QStringLiteral("UpdateProperties"), {interface, properties});
    }
    // Replaces a Manager method with Python code (args, self.units; ret is the answer).
    QString addMethod(const QString &name, const QString &in, const QString &out, const QString &code)
    {
        return manager(QStringLiteral("AddMethod"), {Manager, name, in, out, code});
    }
    QString manager(const QString &method, const QVariantList &arguments)
    {
        return m_mock.call(ManagerPath, MockInterface, method, arguments);
    }
    bool emitUnitNew(const QString &name)
    {
        return m_mock.emitSignal(Manager, QStringLiteral("UnitNew"), QStringLiteral("so"),
                                 {name, QVariant::fromValue(QDBusObjectPath(unitPath(name)))});
    }
    bool emitReloaded() { return m_mock.emitSignal(Manager, QStringLiteral("Reloading"), QStringLiteral("b"), {false}); }
    DBusMock &mock() { return m_mock; }

private:
    static inline const QString MockInterface = QStringLiteral("org.freedesktop.DBus.Mock");
    DBusMock m_mock{DBusMock::Bus::System};
};
