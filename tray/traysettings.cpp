// SPDX-License-Identifier: MIT
#include "traysettings.h"

#include "notificationpolicy.h"

namespace {
const QString GenerationDays = QStringLiteral("thresholds/generationStaleDays");
const QString NixpkgsDays = QStringLiteral("thresholds/nixpkgsStaleDays");
const QString Codes = QStringLiteral("notifications/codes");
const QString LockPath = QStringLiteral("flake/lockPath");
const QString FleetExporters = QStringLiteral("fleet/exporters");
const QString FleetPrometheus = QStringLiteral("fleet/prometheus");
const QString UpgradeCheck = QStringLiteral("upgrade/check");
const QString UpgradeChannel = QStringLiteral("upgrade/channel");
const QString UpgradeBaseUrl = QStringLiteral("upgrade/baseUrl");
const QString UpgradeUrl = QStringLiteral("upgrade/url");
} // namespace

Thresholds TraySettings::thresholds() const
{
    // Stored in days, as the dialog shows them; defaults from core.
    const Thresholds defaults;
    Thresholds thresholds;
    thresholds.generationStaleSeconds =
        m_settings.value(GenerationDays, defaults.generationStaleSeconds / Thresholds::Day).toLongLong() * Thresholds::Day;
    thresholds.nixpkgsStaleSeconds =
        m_settings.value(NixpkgsDays, defaults.nixpkgsStaleSeconds / Thresholds::Day).toLongLong() * Thresholds::Day;
    return thresholds;
}

void TraySettings::setThresholds(const Thresholds &thresholds)
{
    m_settings.setValue(GenerationDays, thresholds.generationStaleSeconds / Thresholds::Day);
    m_settings.setValue(NixpkgsDays, thresholds.nixpkgsStaleSeconds / Thresholds::Day);
}

QStringList TraySettings::notifiedCodes() const
{
    return m_settings.value(Codes, NotificationPolicy::AllCodes).toStringList();
}

void TraySettings::setNotifiedCodes(const QStringList &codes)
{
    m_settings.setValue(Codes, codes);
}

QString TraySettings::lockPath() const
{
    return m_settings.value(LockPath).toString();
}

void TraySettings::setLockPath(const QString &path)
{
    m_settings.setValue(LockPath, path);
}

QStringList TraySettings::fleetExporters() const
{
    return m_settings.value(FleetExporters).toStringList();
}

void TraySettings::setFleetExporters(const QStringList &addresses)
{
    m_settings.setValue(FleetExporters, addresses);
}

QString TraySettings::fleetPrometheus() const
{
    return m_settings.value(FleetPrometheus).toString();
}

void TraySettings::setFleetPrometheus(const QString &url)
{
    m_settings.setValue(FleetPrometheus, url);
}

bool TraySettings::upgradeCheck() const
{
    return m_settings.value(UpgradeCheck, false).toBool();
}

void TraySettings::setUpgradeCheck(bool enabled)
{
    m_settings.setValue(UpgradeCheck, enabled);
}

UpgradeChecker::Settings TraySettings::upgradeCheckSettings() const
{
    UpgradeChecker::Settings settings;
    settings.channel = m_settings.value(UpgradeChannel).toString();
    settings.baseUrl = m_settings.value(UpgradeBaseUrl, settings.baseUrl).toString();
    settings.url = m_settings.value(UpgradeUrl).toString();
    settings.channelHint = QStringLiteral("set upgrade/channel or upgrade/url in %1").arg(m_settings.fileName());
    return settings;
}
