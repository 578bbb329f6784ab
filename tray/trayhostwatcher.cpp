// SPDX-License-Identifier: MIT
#include "trayhostwatcher.h"

#include <QDBusConnectionInterface>
#include <QDBusInterface>
#include <QDBusPendingCallWatcher>
#include <QDBusVariant>

namespace {
const QString WatcherPath = QStringLiteral("/StatusNotifierWatcher");
const QString WatcherInterface = QStringLiteral("org.kde.StatusNotifierWatcher");
} // namespace

TrayHostWatcher::TrayHostWatcher(const QDBusConnection &bus, QObject *parent)
    : QObject(parent), m_bus(bus), m_watcher(WatcherService, bus, QDBusServiceWatcher::WatchForOwnerChange)
{
    connect(&m_watcher, &QDBusServiceWatcher::serviceRegistered, this, &TrayHostWatcher::checkHost);
    connect(&m_watcher, &QDBusServiceWatcher::serviceUnregistered, this, [this] { setPresent(false); });
    m_bus.connect(WatcherService, WatcherPath, WatcherInterface, QStringLiteral("StatusNotifierHostRegistered"),
                  this, SLOT(hostRegistered()));
    // The answer at start is needed at once, to decide whether to show the icon now.
    if (m_bus.isConnected() && m_bus.interface()->isServiceRegistered(WatcherService)) {
        QDBusInterface properties(WatcherService, WatcherPath, QStringLiteral("org.freedesktop.DBus.Properties"), m_bus);
        const QDBusMessage reply = properties.call(QStringLiteral("Get"), WatcherInterface,
                                                   QStringLiteral("IsStatusNotifierHostRegistered"));
        m_present = reply.type() == QDBusMessage::ReplyMessage
                    && reply.arguments().value(0).value<QDBusVariant>().variant().toBool();
    }
}

void TrayHostWatcher::hostRegistered()
{
    setPresent(true);
}

void TrayHostWatcher::checkHost()
{
    QDBusMessage get = QDBusMessage::createMethodCall(WatcherService, WatcherPath,
                                                      QStringLiteral("org.freedesktop.DBus.Properties"),
                                                      QStringLiteral("Get"));
    get << WatcherInterface << QStringLiteral("IsStatusNotifierHostRegistered");
    auto *call = new QDBusPendingCallWatcher(m_bus.asyncCall(get), this);
    connect(call, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *watcher) {
        const QDBusPendingReply<QDBusVariant> reply = *watcher;
        watcher->deleteLater();
        // A watcher without a host yet announces the host with StatusNotifierHostRegistered.
        if (!reply.isError() && reply.value().variant().toBool())
            setPresent(true);
    });
}

void TrayHostWatcher::setPresent(bool present)
{
    if (present == m_present)
        return;
    m_present = present;
    Q_EMIT hostPresentChanged(present);
}
