// SPDX-License-Identifier: MIT
#include "trayhostwatcher.h"

#include <QDBusConnectionInterface>

TrayHostWatcher::TrayHostWatcher(const QDBusConnection &bus, QObject *parent)
    : QObject(parent),
      m_watcher(WatcherService, bus, QDBusServiceWatcher::WatchForOwnerChange)
{
    connect(&m_watcher, &QDBusServiceWatcher::serviceRegistered, this, [this] { setPresent(true); });
    connect(&m_watcher, &QDBusServiceWatcher::serviceUnregistered, this, [this] { setPresent(false); });
    m_present = bus.isConnected() && bus.interface()->isServiceRegistered(WatcherService);
}

void TrayHostWatcher::setPresent(bool present)
{
    if (present == m_present)
        return;
    m_present = present;
    Q_EMIT hostPresentChanged(present);
}
