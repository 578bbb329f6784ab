// SPDX-License-Identifier: MIT
#include "detailswindow.h"

#include "assessment.h"
#include "snapshot.h"
#include "statustext.h"

#include <QDateTime>
#include <QHeaderView>
#include <QVBoxLayout>

namespace {

void setupTable(QTableWidget &table, const QStringList &headers)
{
    table.setColumnCount(int(headers.size()));
    table.setHorizontalHeaderLabels(headers);
    table.setEditTriggers(QAbstractItemView::NoEditTriggers);
    table.setSelectionBehavior(QAbstractItemView::SelectRows);
    table.verticalHeader()->hide();
    table.horizontalHeader()->setStretchLastSection(true);
    table.verticalHeader()->setDefaultSectionSize(table.fontMetrics().height() + 6);
}

QTableWidgetItem *cell(const QString &text)
{
    return new QTableWidgetItem(text);
}

// Light backgrounds that keep dark text readable in both light and dark styles' tables.
QColor ageColour(qint64 age, qint64 threshold)
{
    if (age > threshold)
        return QColor(0xf4, 0xc7, 0xc3);  // stale
    if (age > threshold / 2)
        return QColor(0xfb, 0xe9, 0xb7);  // getting there
    return QColor(0xd3, 0xee, 0xd9);      // fresh
}

} // namespace

DetailsWindow::DetailsWindow(QWidget *parent) : QWidget(parent)
{
    setWindowTitle(QStringLiteral("NixOS status"));
    setWindowIcon(QIcon(QStringLiteral(":/nixos-tray/icons/nixos-tray.svg")));
    m_summary.setWordWrap(true);
    m_summary.setTextInteractionFlags(Qt::TextSelectableByMouse);
    setupTable(m_generations, {QStringLiteral("Generation"), QStringLiteral("Built"), QStringLiteral("NixOS"),
                               QStringLiteral("Kernel"), QStringLiteral("")});
    setupTable(m_inputs, {QStringLiteral("Input"), QStringLiteral("Age"), QStringLiteral("Ref"),
                          QStringLiteral("Revision"), QStringLiteral("Source")});
    m_lockPath.setTextInteractionFlags(Qt::TextSelectableByMouse);
    setupTable(m_hosts, {QStringLiteral("Host"), QStringLiteral("State"), QStringLiteral("Summary")});
    m_hostsTitle.setText(QStringLiteral("<b>Other machines</b>"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(&m_summary);
    layout->addWidget(&m_hostsTitle);
    layout->addWidget(&m_hosts, 1);
    layout->addWidget(new QLabel(QStringLiteral("<b>Generations</b>")));
    layout->addWidget(&m_generations, 1);
    layout->addWidget(new QLabel(QStringLiteral("<b>Flake inputs</b>")));
    layout->addWidget(&m_lockPath);
    layout->addWidget(&m_inputs, 1);
    setHosts({});
    resize(860, 600);
}

void DetailsWindow::setStatus(const Snapshot &snapshot, const Assessment &assessment,
                              const Thresholds &thresholds, qint64 now)
{
    m_summary.setText(StatusText::lines(snapshot, assessment, now).join(QLatin1Char('\n')));
    fillGenerations(snapshot);
    fillInputs(snapshot, thresholds, now);
}

void DetailsWindow::fillGenerations(const Snapshot &snapshot)
{
    const GenerationState &state = snapshot.generations;
    m_generations.setRowCount(int(state.generations.size()));
    int row = 0;
    for (auto it = state.generations.crbegin(); it != state.generations.crend(); ++it, ++row) {
        QStringList marks;
        if (state.currentGeneration == it->number)
            marks << QStringLiteral("current");
        if (state.bootedGeneration == it->number)
            marks << QStringLiteral("booted");
        if (state.defaultGeneration == it->number)
            marks << QStringLiteral("default");
        m_generations.setItem(row, 0, cell(QString::number(it->number)));
        m_generations.setItem(row, 1, cell(QLocale().toString(QDateTime::fromSecsSinceEpoch(it->created), QLocale::ShortFormat)));
        m_generations.setItem(row, 2, cell(it->system.version.label));
        m_generations.setItem(row, 3, cell(it->system.kernelVersion));
        m_generations.setItem(row, 4, cell(marks.join(QStringLiteral(", "))));
        if (!marks.isEmpty()) {
            for (int column = 0; column < m_generations.columnCount(); ++column) {
                QFont font = m_generations.item(row, column)->font();
                font.setBold(state.currentGeneration == it->number);
                m_generations.item(row, column)->setFont(font);
            }
        }
    }
    m_generations.resizeColumnsToContents();
}

void DetailsWindow::fillInputs(const Snapshot &snapshot, const Thresholds &thresholds, qint64 now)
{
    if (!snapshot.flakeStatus.enabled)
        m_lockPath.setText(QStringLiteral("Flake inputs are not read."));
    else if (!snapshot.flakeStatus.ok)
        m_lockPath.setText(snapshot.flakeStatus.error);
    else
        m_lockPath.setText(snapshot.flake.lockPath);

    const QList<FlakeInput> &inputs = snapshot.flake.lock.inputs;
    m_inputs.setRowCount(int(inputs.size()));
    for (int row = 0; row < inputs.size(); ++row) {
        const FlakeInput &input = inputs[row];
        m_inputs.setItem(row, 0, cell(input.name));
        m_inputs.setItem(row, 1, cell(input.lastModified ? StatusText::age(now - *input.lastModified)
                                                         : QStringLiteral("unknown")));
        m_inputs.setItem(row, 2, cell(input.ref));
        m_inputs.setItem(row, 3, cell(input.rev.left(12)));
        m_inputs.setItem(row, 4, cell(input.owner.isEmpty() ? input.type
                                                            : QStringLiteral("%1:%2/%3").arg(input.type, input.owner, input.repo)));
        if (input.lastModified) {
            const QColor colour = ageColour(now - *input.lastModified, thresholds.nixpkgsStaleSeconds);
            for (int column = 0; column < m_inputs.columnCount(); ++column) {
                m_inputs.item(row, column)->setBackground(colour);
                m_inputs.item(row, column)->setForeground(Qt::black);
            }
        }
    }
    m_inputs.resizeColumnsToContents();
}

void DetailsWindow::setHosts(const QList<HostStatus> &hosts)
{
    m_hostsTitle.setVisible(!hosts.isEmpty());
    m_hosts.setVisible(!hosts.isEmpty());
    m_hosts.setRowCount(int(hosts.size()));
    for (int row = 0; row < hosts.size(); ++row) {
        const HostStatus &host = hosts[row];
        QStringList messages;
        for (const Assessment::Finding &finding : host.assessment.findings)
            messages.append(finding.message);
        m_hosts.setItem(row, 0, cell(host.host));
        m_hosts.setItem(row, 1, cell(Assessment::levelName(host.assessment.level)));
        m_hosts.setItem(row, 2, cell((QStringList{host.summary} + messages).join(QStringLiteral(" · "))));
        const QColor colour = host.assessment.level == Assessment::Level::Ok ? QColor(0xd3, 0xee, 0xd9)
                              : host.assessment.level == Assessment::Level::Attention ? QColor(0xfb, 0xe9, 0xb7)
                                                                                       : QColor(0xf4, 0xc7, 0xc3);
        m_hosts.item(row, 1)->setBackground(colour);
        m_hosts.item(row, 1)->setForeground(Qt::black);
    }
    m_hosts.resizeColumnsToContents();
}
