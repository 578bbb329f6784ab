// SPDX-License-Identifier: MIT
#pragma once

#include <QDBusConnection>
#include <QObject>

// One tray per session. The first one claims org.nixos.status.Tray on the session bus and
// shows its details window when asked (Show); a later start asks it to and exits. The
// autostart entry and the NixOS module's user service may both start the tray, and starting
// "NixOS Status" from the launcher is how a user reaches a tray whose icon is tucked away.
class SingleInstance : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.nixos.status.Tray")
public:
    static inline const QString Service = QStringLiteral("org.nixos.status.Tray");
    static inline const QString Path = QStringLiteral("/org/nixos/status/Tray");

    enum class Claim { Claimed, HeldByOther, NoBus };

    explicit SingleInstance(const QDBusConnection &bus, QObject *parent = nullptr);
    ~SingleInstance() override;

    Claim claim();
    // Asks the tray holding the name to show its window; false with *error if it did not answer.
    bool showOther(QString *error) const;

public Q_SLOTS:
    Q_SCRIPTABLE void Show();

Q_SIGNALS:
    void showRequested();

private:
    QDBusConnection m_bus;
    bool m_registered = false;
};
