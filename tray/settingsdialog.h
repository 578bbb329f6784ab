// SPDX-License-Identifier: MIT
#pragma once

#include <QCheckBox>
#include <QDialog>
#include <QLineEdit>
#include <QMap>
#include <QSpinBox>

class TraySettings;

// Thresholds, which notifications, the lock path, autostart and the upgrade check. Saves on
// OK only.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(TraySettings &settings, QWidget *parent = nullptr);

private:
    void save();

    TraySettings &m_settings;
    QSpinBox m_generationDays;
    QSpinBox m_nixpkgsDays;
    QMap<QString, QCheckBox *> m_notify;  // by finding code
    QLineEdit m_lockPath;
    QLineEdit m_fleetExporters;
    QLineEdit m_fleetPrometheus;
    QCheckBox m_autostart;
    QCheckBox m_upgradeCheck;
};
