// SPDX-License-Identifier: MIT
#pragma once

#include <QDBusConnection>
#include <QDBusServiceWatcher>
#include <QObject>

// Tells when a StatusNotifierItem host (the panel's org.kde.StatusNotifierWatcher) is there.
// A tray started before the panel waits for it instead of failing once.
class TrayHostWatcher : public QObject
{
    Q_OBJECT
public:
    static inline const QString WatcherService = QStringLiteral("org.kde.StatusNotifierWatcher");

    explicit TrayHostWatcher(const QDBusConnection &bus, QObject *parent = nullptr);
    bool isHostPresent() const { return m_present; }

Q_SIGNALS:
    void hostPresentChanged(bool present);

private:
    void setPresent(bool present);

    QDBusServiceWatcher m_watcher;
    bool m_present = false;
};
