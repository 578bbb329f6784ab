// SPDX-License-Identifier: MIT
#pragma once

#include "hoststatus.h"
#include "machineview.h"
#include "snapshot.h"
#include "thresholds.h"

#include <QListWidget>
#include <QPushButton>
#include <QWidget>

// The window behind the tray icon: this machine's details (MachineView) with the buttons that
// act on it (Reboot… where logind allows and a reboot is needed, Refresh, Settings). With other
// machines configured, a list of all machines (each with its state's icon and one line) on the
// left, and the chosen one's details in the same view.
class DetailsWindow : public QWidget
{
    Q_OBJECT
public:
    explicit DetailsWindow(QWidget *parent = nullptr);

    void setStatus(const Snapshot &snapshot, const Assessment &assessment, const Thresholds &thresholds, qint64 now);
    // Other machines; the list is hidden while there are none.
    void setHosts(const QList<HostStatus> &hosts);
    // Whether logind lets this user reboot.
    void setRebootAvailable(bool available);

    // For tests.
    const MachineView &machine() const { return m_machine; }
    QListWidget &machines() { return m_machines; }
    QPushButton &rebootButton() { return m_reboot; }
    QPushButton &refreshButton() { return m_refresh; }
    QPushButton &settingsButton() { return m_settings; }

Q_SIGNALS:
    void rebootRequested();
    void refreshRequested();
    void settingsRequested();

private:
    void showChosen();
    void updateRebootButton();

    QListWidget m_machines;
    MachineView m_machine;
    QPushButton m_reboot;
    QPushButton m_refresh;
    QPushButton m_settings;

    // What the view shows again when this machine is chosen.
    Snapshot m_snapshot;
    Assessment m_assessment;
    Thresholds m_thresholds;
    qint64 m_now = 0;
    QList<HostStatus> m_hosts;
    bool m_rebootAvailable = false;
};
