// SPDX-License-Identifier: MIT
#include "detailswindow.h"

#include "statustext.h"
#include "trayicon.h"

#include <QHBoxLayout>
#include <QIcon>

#include <algorithm>

namespace {

constexpr int ListIconSize = 32;
const QString ThisMachine = QStringLiteral("This machine");

// A machine in the list: its state's icon, its name, what it needs; the summary and the
// findings as its tooltip.
void describe(QListWidgetItem &item, const QString &name, const Assessment &assessment, const QString &summary)
{
    item.setIcon(QIcon(TrayIcon::iconPath(TrayIcon::stateOf(assessment))));
    item.setText(name + QLatin1Char('\n') + MachineView::needs(assessment));
    QStringList tip{summary};
    for (const Assessment::Finding &finding : assessment.findings)
        tip.append(finding.message);
    item.setToolTip(tip.join(QLatin1Char('\n')));
}

} // namespace

DetailsWindow::DetailsWindow(QWidget *parent) : QWidget(parent)
{
    setWindowTitle(QStringLiteral("NixOS Status"));
    setWindowIcon(QIcon(QStringLiteral(":/nixos-tray/icons/nixos-tray.svg")));

    m_reboot.setText(QStringLiteral("Reboot…"));
    m_refresh.setText(QStringLiteral("Refresh"));
    m_settings.setText(QStringLiteral("Settings"));
    m_reboot.setIcon(QIcon::fromTheme(QStringLiteral("system-reboot")));
    m_refresh.setIcon(QIcon::fromTheme(QStringLiteral("view-refresh")));
    m_settings.setIcon(QIcon::fromTheme(QStringLiteral("configure")));
    m_refresh.setToolTip(QStringLiteral("Read this machine (and ask the others) again now"));
    connect(&m_reboot, &QPushButton::clicked, this, &DetailsWindow::rebootRequested);
    connect(&m_refresh, &QPushButton::clicked, this, &DetailsWindow::refreshRequested);
    connect(&m_settings, &QPushButton::clicked, this, &DetailsWindow::settingsRequested);
    m_machine.actions()->addWidget(&m_reboot, 0, Qt::AlignTop);
    m_machine.actions()->addWidget(&m_refresh, 0, Qt::AlignTop);
    m_machine.actions()->addWidget(&m_settings, 0, Qt::AlignTop);
    m_reboot.hide();

    m_machines.setIconSize(QSize(ListIconSize, ListIconSize));
    m_machines.setSpacing(2);
    m_machines.setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_machines.setFixedWidth(240);
    connect(&m_machines, &QListWidget::currentRowChanged, this, &DetailsWindow::showChosen);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 16);
    layout->setSpacing(16);
    layout->addWidget(&m_machines);
    layout->addWidget(&m_machine, 1);
    setHosts({});
    resize(900, 640);
}

void DetailsWindow::setStatus(const Snapshot &snapshot, const Assessment &assessment, const Thresholds &thresholds, qint64 now)
{
    m_snapshot = snapshot;
    m_assessment = assessment;
    m_thresholds = thresholds;
    m_now = now;
    describe(*m_machines.item(0), ThisMachine, assessment, StatusText::summary(snapshot, assessment, now));
    showChosen();
}

void DetailsWindow::setHosts(const QList<HostStatus> &hosts)
{
    // The same machine stays chosen when the list is filled again.
    const QString chosen = m_machines.currentRow() > 0 ? m_hosts.value(m_machines.currentRow() - 1).host : QString();
    m_hosts = hosts;
    const QSignalBlocker quiet(m_machines);
    m_machines.clear();
    describe(*new QListWidgetItem(&m_machines), ThisMachine, m_assessment,
             StatusText::summary(m_snapshot, m_assessment, m_now));
    int row = 0;
    for (int i = 0; i < hosts.size(); ++i) {
        describe(*new QListWidgetItem(&m_machines), hosts[i].host, hosts[i].assessment,
                 hosts[i].summary);
        if (hosts[i].host == chosen)
            row = i + 1;
    }
    m_machines.setCurrentRow(row);
    // The list takes its room beside the details, not from them.
    if (m_machines.isHidden() && !hosts.isEmpty())
        resize(width() + m_machines.width() + layout()->spacing(), height());
    m_machines.setVisible(!hosts.isEmpty());
    showChosen();
}

void DetailsWindow::setRebootAvailable(bool available)
{
    m_rebootAvailable = available;
    updateRebootButton();
}

void DetailsWindow::showChosen()
{
    const int row = m_machines.currentRow();
    if (row > 0 && row <= m_hosts.size())
        m_machine.setHost(m_hosts[row - 1], m_thresholds, m_now);
    else
        m_machine.setStatus(m_snapshot, m_assessment, m_thresholds, m_now);
    updateRebootButton();
}

void DetailsWindow::updateRebootButton()
{
    // Only for this machine, only when it needs one, only when logind would do it.
    const bool local = m_machines.currentRow() <= 0;
    const bool needed = std::any_of(m_assessment.findings.cbegin(), m_assessment.findings.cend(),
                                    [](const Assessment::Finding &f) { return f.code == QLatin1String("reboot-required"); });
    m_reboot.setVisible(local && needed && m_rebootAvailable);
    m_reboot.setDefault(!m_reboot.isHidden());
}
