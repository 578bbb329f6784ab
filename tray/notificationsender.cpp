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
                if (m_keyById.contains(id))
                    Q_EMIT actionInvoked(m_keyById.value(id), action);
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
    const uint replaces = m_idByCode.value(request.code, 0);
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
        forget(m_idByCode.value(request.code, 0));
        m_idByCode.insert(request.code, reply.value());
        m_keyById.insert(reply.value(), request.key);
    });
}

void NotificationSender::close(const QString &code)
{
    if (const uint id = m_idByCode.value(code, 0)) {
        m_server->CloseNotification(id);
        forget(id);
    }
}

void NotificationSender::forget(uint id)
{
    if (!m_keyById.remove(id))
        return;
    for (auto it = m_idByCode.begin(); it != m_idByCode.end(); ++it) {
        if (it.value() == id) {
            m_idByCode.erase(it);
            break;
        }
    }
}
