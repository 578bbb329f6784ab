// SPDX-License-Identifier: MIT
#pragma once

#include "hoststatus.h"
#include "thresholds.h"

#include <QLabel>
#include <QTableWidget>
#include <QWidget>

#include <functional>

struct Snapshot;
class QHBoxLayout;
class QVBoxLayout;

// One machine's details, laid out the same for this machine and for one of a fleet: a header
// (the state's icon, one sentence, the reasons, what a reboot would change, room for buttons),
// then sections: the state in words (StatusText's lines, so whatever the core learns to say
// shows here too), the generations with their specialisations, the flake inputs. A section
// with nothing to show says why instead of showing an empty table.
class MachineView : public QWidget
{
    Q_OBJECT
public:
    explicit MachineView(QWidget *parent = nullptr);

    // This machine, from its snapshot.
    void setStatus(const Snapshot &snapshot, const Assessment &assessment, const Thresholds &thresholds, qint64 now);
    // Another machine, from what its exporter or Prometheus says of it.
    void setHost(const HostStatus &host, const Thresholds &thresholds, qint64 now);
    // The header's right-hand side: buttons that act on the machine shown.
    QHBoxLayout *actions() const { return m_actions; }

    // What a person reads, for tests.
    QString verdict() const { return m_verdict.text(); }
    QString reasons() const { return m_reasons.text(); }
    // What a reboot would change, in a line under the reasons, and all of it in its tooltip.
    QString rebootChanges() const { return m_rebootChanges.text(); }
    QString rebootChangesDetails() const { return m_rebootChanges.toolTip(); }
    QString facts() const { return m_facts.text(); }
    const QTableWidget &generations() const { return m_generations; }
    QString generationsNote() const { return m_generationsNote.text(); }
    const QTableWidget &inputs() const { return m_inputs; }
    QString inputsNote() const { return m_inputsNote.text(); }

    // What a machine needs, in a few words: "needs a reboot and an update", "needs an update",
    // "cannot be read", "all is well".
    static QString needs(const Assessment &assessment);

    // The columns of the inputs table.
    enum InputColumn { InputName, InputAge, InputHealth, InputBranch, InputRevision, InputSource };

protected:
    void changeEvent(QEvent *event) override;

private:
    void setHeader(const QString &first, const QString &inside, const Assessment &assessment);
    // Under a reboot verdict only: without one, booted and running differ in nothing a reboot changes.
    void showRebootChanges(const std::optional<SystemDiff> &changes, const Assessment &assessment);
    void fillGenerations(const Snapshot &snapshot, qint64 now);
    // remote: the other machine's name; empty for this one.
    void fillInputs(const Snapshot &snapshot, const Thresholds &thresholds, qint64 now, const QString &remote);
    void updateIcon();
    // This machine's generations and inputs, or (another machine) a line that says why not.
    void showSections(bool local);

    Assessment m_assessment;
    std::function<void()> m_refill;  // the last set*, again: colours follow a new palette
    QLabel m_icon;
    QLabel m_verdict;
    QLabel m_reasons;
    QLabel m_rebootChanges;
    QHBoxLayout *m_actions;
    QVBoxLayout *m_layout = nullptr;
    QLabel m_systemTitle;
    QLabel m_facts;
    QLabel m_elsewhere;
    QLabel m_generationsTitle;
    QLabel m_inputsTitle;
    QTableWidget m_generations;
    QLabel m_generationsNote;
    QTableWidget m_inputs;
    QLabel m_inputsNote;
};
