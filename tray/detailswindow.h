// SPDX-License-Identifier: MIT
#pragma once

#include "hoststatus.h"
#include "thresholds.h"

#include <QLabel>
#include <QTableWidget>
#include <QWidget>

struct Assessment;
struct Snapshot;

// Everything the snapshot knows, as two tables: the generations (newest first, with
// current/booted/default marks) and the flake inputs (coloured by age against the
// nixpkgs threshold).
class DetailsWindow : public QWidget
{
    Q_OBJECT
public:
    explicit DetailsWindow(QWidget *parent = nullptr);

    void setStatus(const Snapshot &snapshot, const Assessment &assessment,
                   const Thresholds &thresholds, qint64 now);
    // Other machines (the fleet view); the list is hidden while there are none.
    void setHosts(const QList<HostStatus> &hosts);
    const QTableWidget &hosts() const { return m_hosts; }

    const QTableWidget &generations() const { return m_generations; }
    const QTableWidget &inputs() const { return m_inputs; }

private:
    void fillGenerations(const Snapshot &snapshot);
    void fillInputs(const Snapshot &snapshot, const Thresholds &thresholds, qint64 now);

    QLabel m_summary;
    QLabel m_hostsTitle;
    QTableWidget m_hosts;
    QTableWidget m_generations;
    QLabel m_lockPath;
    QTableWidget m_inputs;
};
