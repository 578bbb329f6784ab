// SPDX-License-Identifier: MIT
#pragma once

#include "notificationpolicy.h"

#include <QDBusConnection>
#include <QHash>
#include <QObject>

#include <memory>

class OrgFreedesktopNotificationsInterface;

// Shows NotificationRequests through org.freedesktop.Notifications: asynchronously, with
// actions only where the server says it has them (GetCapabilities), one notification per
// request id that later ones replace (replaces_id), and clicks on actions reported back with
// the keys the notification told.
class NotificationSender : public QObject
{
    Q_OBJECT
public:
    struct Action
    {
        QString id;
        QString label;
    };

    explicit NotificationSender(const QDBusConnection &bus, QObject *parent = nullptr);
    ~NotificationSender() override;

    void show(const NotificationRequest &request, const QList<Action> &actions);
    void close(const QString &id);

    // False until the server has answered GetCapabilities, and for servers without actions.
    bool supportsActions() const { return m_supportsActions; }

Q_SIGNALS:
    void actionInvoked(const QStringList &keys, const QString &actionId);
    // The server answered GetCapabilities (or failed to); queued requests are out.
    void ready();

private:
    void send(const NotificationRequest &request, const QList<Action> &actions);
    void forget(uint serverId);

    std::unique_ptr<OrgFreedesktopNotificationsInterface> m_server;
    bool m_capabilitiesKnown = false;
    bool m_supportsActions = false;
    QList<std::pair<NotificationRequest, QList<Action>>> m_queued;
    QHash<QString, uint> m_serverIdById;      // request id -> the server's id
    QHash<uint, QStringList> m_keysByServerId;
};
