// SPDX-License-Identifier: MIT
#include "rebooter.h"

#include "login1_interface.h"

#include <QDBusConnectionInterface>
#include <QDBusPendingCallWatcher>

Rebooter::Rebooter(const QDBusConnection &bus, QObject *parent)
    : QObject(parent),
      m_logind(std::make_unique<OrgFreedesktopLogin1ManagerInterface>(
          QStringLiteral("org.freedesktop.login1"), QStringLiteral("/org/freedesktop/login1"), bus))
{
    if (!bus.isConnected() || !bus.interface()->isServiceRegistered(QStringLiteral("org.freedesktop.login1")))
        return;
    auto *watcher = new QDBusPendingCallWatcher(m_logind->CanReboot(), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *call) {
        const QDBusPendingReply<QString> reply = *call;
        call->deleteLater();
        // "yes", or "challenge" (polkit will ask); "no" and "na" mean the menu item would fail.
        m_available = !reply.isError()
                      && (reply.value() == QLatin1String("yes") || reply.value() == QLatin1String("challenge"));
        Q_EMIT availabilityChanged(m_available);
    });
}

Rebooter::~Rebooter() = default;

void Rebooter::reboot()
{
    auto *watcher = new QDBusPendingCallWatcher(m_logind->Reboot(true), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *call) {
        const QDBusPendingReply<> reply = *call;
        call->deleteLater();
        if (reply.isError())
            Q_EMIT rebootFailed(reply.error().message());
    });
}
