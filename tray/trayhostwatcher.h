// SPDX-License-Identifier: MIT
#pragma once

#include <QDBusConnection>
#include <QDBusServiceWatcher>
#include <QObject>

// Tells when a StatusNotifierItem host is there: the watcher service (the panel's
// org.kde.StatusNotifierWatcher) runs and says a host is registered with it. A tray
// started before the panel waits for this instead of failing once: Qt decides between
// StatusNotifierItem and XEmbed the first time it is asked, and never again.
class TrayHostWatcher : public QObject
{
    Q_OBJECT
public:
    static inline const QString WatcherService = QStringLiteral("org.kde.StatusNotifierWatcher");

    explicit TrayHostWatcher(const QDBusConnection &bus, QObject *parent = nullptr);
    bool isHostPresent() const { return m_present; }

Q_SIGNALS:
    void hostPresentChanged(bool present);

private Q_SLOTS:
    void hostRegistered();

private:
    void checkHost();
    void setPresent(bool present);

    QDBusConnection m_bus;
    QDBusServiceWatcher m_watcher;
    bool m_present = false;
};
