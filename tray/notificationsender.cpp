// SPDX-License-Identifier: MIT
#include "notificationsender.h"

#include "notifications_interface.h"

#include <QDBusPendingCallWatcher>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcNotify, "nixos.tray.notifications", QtInfoMsg)

namespace {
const QString Service = QStringLiteral("org.freedesktop.Notifications");
const QString Path = QStringLiteral("/org/freedesktop/Notifications");
} // namespace

NotificationSender::NotificationSender(const QDBusConnection &bus, QObject *parent)
    : QObject(parent), m_server(std::make_unique<OrgFreedesktopNotificationsInterface>(Service, Path, bus))
{
    connect(m_server.get(), &OrgFreedesktopNotificationsInterface::ActionInvoked, this,
            [this](uint id, const QString &action) {
                if (m_keysByServerId.contains(id))
                    Q_EMIT actionInvoked(m_keysByServerId.value(id), action);
            });
    connect(m_server.get(), &OrgFreedesktopNotificationsInterface::NotificationClosed, this,
            [this](uint id, uint) { forget(id); });

    // Everything waits for the capabilities, so that a first notification already has the
    // right actions. A server that does not answer gets plain notifications.
    auto *watcher = new QDBusPendingCallWatcher(m_server->GetCapabilities(), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *call) {
        const QDBusPendingReply<QStringList> reply = *call;
        if (reply.isError())
            qCWarning(lcNotify) << "notification server:" << reply.error().message();
        m_supportsActions = !reply.isError() && reply.value().contains(QStringLiteral("actions"));
        m_capabilitiesKnown = true;
        for (const auto &[request, actions] : std::exchange(m_queued, {}))
            send(request, actions);
        call->deleteLater();
        Q_EMIT ready();
    });
}

NotificationSender::~NotificationSender() = default;

void NotificationSender::show(const NotificationRequest &request, const QList<Action> &actions)
{
    if (m_capabilitiesKnown)
        send(request, actions);
    else
        m_queued.append({request, actions});
}

void NotificationSender::send(const NotificationRequest &request, const QList<Action> &actions)
{
    QStringList actionList;
    if (m_supportsActions) {
        for (const Action &action : actions)
            actionList << action.id << action.label;
    }
    const QVariantMap hints{
        {QStringLiteral("urgency"), QVariant::fromValue(uchar(request.urgency))},
        {QStringLiteral("desktop-entry"), QStringLiteral("nixos-tray")},
    };
    const uint replaces = m_serverIdById.value(request.id, 0);
    auto *watcher = new QDBusPendingCallWatcher(
        m_server->Notify(QStringLiteral("NixOS status"), replaces, QStringLiteral("nixos-tray"),
                         request.title, request.body, actionList, hints, -1),
        this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, request](QDBusPendingCallWatcher *call) {
        const QDBusPendingReply<uint> reply = *call;
        call->deleteLater();
        if (reply.isError()) {
            qCWarning(lcNotify) << "cannot notify:" << reply.error().message();
            return;
        }
        forget(m_serverIdById.value(request.id, 0));
        m_serverIdById.insert(request.id, reply.value());
        m_keysByServerId.insert(reply.value(), request.keys);
    });
}

void NotificationSender::close(const QString &id)
{
    if (const uint serverId = m_serverIdById.value(id, 0)) {
        m_server->CloseNotification(serverId);
        forget(serverId);
    }
}

void NotificationSender::forget(uint serverId)
{
    if (!m_keysByServerId.remove(serverId))
        return;
    for (auto it = m_serverIdById.begin(); it != m_serverIdById.end(); ++it) {
        if (it.value() == serverId) {
            m_serverIdById.erase(it);
            break;
        }
    }
}
