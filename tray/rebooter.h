// SPDX-License-Identifier: MIT
#pragma once

#include <QDBusConnection>
#include <QObject>

#include <memory>

class OrgFreedesktopLogin1ManagerInterface;

// Reboots through systemd-logind, which asks polkit, which may ask the user for a password
// ("interactive"). Available only where logind answers and does not say "no".
class Rebooter : public QObject
{
    Q_OBJECT
public:
    // The system bus normally; a test passes its own bus with a mock logind.
    explicit Rebooter(const QDBusConnection &bus, QObject *parent = nullptr);
    ~Rebooter() override;

    bool isAvailable() const { return m_available; }
    void reboot();

Q_SIGNALS:
    void availabilityChanged(bool available);
    void rebootFailed(const QString &message);

private:
    std::unique_ptr<OrgFreedesktopLogin1ManagerInterface> m_logind;
    bool m_available = false;
};
