// SPDX-License-Identifier: MIT
#pragma once

#include "thresholds.h"
#include "upgradechecker.h"

#include <QSettings>
#include <QStringList>

// The user's choices, kept in QSettings (~/.config/nixos-status/nixos-tray.conf).
class TraySettings
{
public:
    explicit TraySettings(QSettings &settings) : m_settings(settings) {}

    Thresholds thresholds() const;
    void setThresholds(const Thresholds &thresholds);

    // Finding codes that may notify (NotificationPolicy::AllCodes by default).
    QStringList notifiedCodes() const;
    void setNotifiedCodes(const QStringList &codes);

    // Empty: auto-detect.
    QString lockPath() const;
    void setLockPath(const QString &path);

    // Other machines to watch: exporter addresses, or one Prometheus server (which wins).
    QStringList fleetExporters() const;
    void setFleetExporters(const QStringList &addresses);
    QString fleetPrometheus() const;
    void setFleetPrometheus(const QString &url);

    // The opt-in upgrade check (off by default: it asks channels.nixos.org) and what it
    // checks; the channel, base URL and URL are set in the file only, as the exporter's
    // collectors.upgrade keys.
    bool upgradeCheck() const;
    void setUpgradeCheck(bool enabled);
    UpgradeChecker::Settings upgradeCheckSettings() const;

private:
    QSettings &m_settings;
};
