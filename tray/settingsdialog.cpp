// SPDX-License-Identifier: MIT
#include "settingsdialog.h"

#include "autostart.h"
#include "notificationpolicy.h"
#include "thresholds.h"
#include "traysettings.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QMessageBox>
#include <QVBoxLayout>

namespace {
// The check box for each code. The maintenance limits are not settings of the tray (they
// match the exporter's alerts), so their labels name the fixed number of days.
QString notificationLabel(const QString &code)
{
    const Thresholds defaults;
    const QMap<QString, QString> labels{
        {QStringLiteral("reboot-required"), QStringLiteral("A reboot is required")},
        {QStringLiteral("generation-stale"), QStringLiteral("The running generation is older than the threshold")},
        {QStringLiteral("nixpkgs-stale"), QStringLiteral("nixpkgs is older than the threshold")},
        {QStringLiteral("nixpkgs-unmaintained"), QStringLiteral("nixpkgs follows a release that gets no more updates")},
        {QStringLiteral("source-failed"), QStringLiteral("The system state cannot be read")},
        {QStringLiteral("auto-upgrade-failed"), QStringLiteral("The automatic upgrade failed")},
        {QStringLiteral("auto-upgrade-overdue"),
         QStringLiteral("The automatic upgrade has not run for %1 days").arg(defaults.autoUpgradeOverdueSeconds / Thresholds::Day)},
        {QStringLiteral("gc-overdue"),
         QStringLiteral("Garbage collection has not run for %1 days").arg(defaults.garbageCollectionOverdueSeconds / Thresholds::Day)},
        {QStringLiteral("boot-full"), QStringLiteral("/boot has no room for the next kernels")},
    };
    return labels.value(code, code);
}
} // namespace

SettingsDialog::SettingsDialog(TraySettings &settings, QWidget *parent)
    : QDialog(parent), m_settings(settings)
{
    setWindowTitle(QStringLiteral("NixOS status settings"));
    const Thresholds thresholds = settings.thresholds();
    for (auto [box, seconds] : {std::pair{&m_generationDays, thresholds.generationStaleSeconds},
                                std::pair{&m_nixpkgsDays, thresholds.nixpkgsStaleSeconds}}) {
        box->setRange(1, 3650);
        box->setSuffix(QStringLiteral(" days"));
        box->setValue(int(seconds / Thresholds::Day));
    }
    auto *thresholdsForm = new QFormLayout;
    thresholdsForm->addRow(QStringLiteral("Generation is stale after"), &m_generationDays);
    thresholdsForm->addRow(QStringLiteral("nixpkgs is stale after"), &m_nixpkgsDays);
    auto *thresholdsBox = new QGroupBox(QStringLiteral("Thresholds"));
    thresholdsBox->setLayout(thresholdsForm);

    auto *notifyLayout = new QVBoxLayout;
    const QStringList enabled = settings.notifiedCodes();
    for (const QString &code : NotificationPolicy::AllCodes) {
        auto *check = new QCheckBox(notificationLabel(code));
        check->setChecked(enabled.contains(code));
        m_notify.insert(code, check);
        notifyLayout->addWidget(check);
    }
    auto *notifyBox = new QGroupBox(QStringLiteral("Notify when"));
    notifyBox->setLayout(notifyLayout);

    m_lockPath.setText(settings.lockPath());
    m_lockPath.setPlaceholderText(QStringLiteral("auto: /run/current-system/flake.lock, /etc/nixos/flake.lock"));
    m_autostart.setText(QStringLiteral("Start with the desktop session"));
    m_autostart.setChecked(Autostart::isEnabled());
    // Started by a systemd user service (the NixOS or home-manager module): an autostart
    // entry would start a second tray.
    if (qEnvironmentVariableIsSet("INVOCATION_ID")) {
        m_autostart.setEnabled(false);
        m_autostart.setToolTip(QStringLiteral("nixos-tray runs as a systemd user service"));
    }
    m_upgradeCheck.setText(QStringLiteral("Check for upgrades (asks channels.nixos.org every 6 hours)"));
    m_upgradeCheck.setChecked(settings.upgradeCheck());
    auto *otherForm = new QFormLayout;
    otherForm->addRow(QStringLiteral("flake.lock"), &m_lockPath);
    otherForm->addRow(&m_autostart);
    otherForm->addRow(&m_upgradeCheck);
    auto *thisMachineBox = new QGroupBox(QStringLiteral("This machine"));
    thisMachineBox->setLayout(otherForm);

    m_fleetExporters.setText(settings.fleetExporters().join(QStringLiteral(", ")));
    m_fleetExporters.setPlaceholderText(QStringLiteral("web1:9971, web2:9971"));
    m_fleetPrometheus.setText(settings.fleetPrometheus());
    m_fleetPrometheus.setPlaceholderText(QStringLiteral("http://prometheus:9090 (instead of the list)"));
    auto *fleetForm = new QFormLayout;
    fleetForm->addRow(QStringLiteral("Exporters"), &m_fleetExporters);
    fleetForm->addRow(QStringLiteral("or Prometheus"), &m_fleetPrometheus);
    auto *fleetBox = new QGroupBox(QStringLiteral("Other machines"));
    fleetBox->setLayout(fleetForm);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(thresholdsBox);
    layout->addWidget(notifyBox);
    layout->addWidget(thisMachineBox);
    layout->addWidget(fleetBox);
    layout->addWidget(buttons);
}

void SettingsDialog::save()
{
    Thresholds thresholds;
    thresholds.generationStaleSeconds = m_generationDays.value() * Thresholds::Day;
    thresholds.nixpkgsStaleSeconds = m_nixpkgsDays.value() * Thresholds::Day;
    m_settings.setThresholds(thresholds);
    QStringList codes;
    for (auto it = m_notify.cbegin(); it != m_notify.cend(); ++it) {
        if (it.value()->isChecked())
            codes.append(it.key());
    }
    m_settings.setNotifiedCodes(codes);
    m_settings.setLockPath(m_lockPath.text().trimmed());
    QStringList exporters;
    for (const QString &address : m_fleetExporters.text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        exporters.append(address.trimmed());
    m_settings.setFleetExporters(exporters);
    m_settings.setFleetPrometheus(m_fleetPrometheus.text().trimmed());
    m_settings.setUpgradeCheck(m_upgradeCheck.isChecked());
    QString error;
    if (m_autostart.isChecked() != Autostart::isEnabled() && !Autostart::setEnabled(m_autostart.isChecked(), &error))
        QMessageBox::warning(this, windowTitle(), error);
    accept();
}
