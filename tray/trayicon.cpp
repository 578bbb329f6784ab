// SPDX-License-Identifier: MIT
#include "trayicon.h"

#include "snapshot.h"
#include "statustext.h"

#include <QDateTime>
#include <QIcon>

TrayIcon::TrayIcon(QObject *parent) : QObject(parent)
{
    m_statusSeparator = m_menu.addSeparator();
    m_menu.addAction(QStringLiteral("Details…"), this, &TrayIcon::detailsRequested);
    m_snoozeMenu.setTitle(QStringLiteral("Snooze notifications"));
    m_snoozeMenu.addAction(QStringLiteral("For 1 day"), this, [this] { Q_EMIT snoozeRequested(Thresholds::Day); });
    m_snoozeMenu.addAction(QStringLiteral("For 1 week"), this, [this] { Q_EMIT snoozeRequested(7 * Thresholds::Day); });
    m_resume = m_snoozeMenu.addAction(QStringLiteral("Resume notifications"), this, [this] { Q_EMIT snoozeRequested(0); });
    m_resume->setVisible(false);
    m_menu.addMenu(&m_snoozeMenu);
    m_menu.addAction(QStringLiteral("Settings…"), this, &TrayIcon::settingsRequested);
    m_reboot = m_menu.addAction(QStringLiteral("Reboot…"), this, &TrayIcon::rebootRequested);
    m_reboot->setVisible(false);
    m_menu.addSeparator();
    m_menu.addAction(QStringLiteral("Quit"), this, &TrayIcon::quitRequested);
}

void TrayIcon::show()
{
    if (!m_icon) {
        m_icon = std::make_unique<QSystemTrayIcon>(QIcon(iconPath(m_state)));
        m_icon->setToolTip(m_toolTip);
        m_icon->setContextMenu(&m_menu);
        connect(m_icon.get(), &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
            if (reason == QSystemTrayIcon::Trigger)
                Q_EMIT detailsRequested();
        });
    }
    m_icon->show();
}

TrayIcon::State TrayIcon::stateOf(const Assessment &assessment)
{
    // The most pressing wins: broken reading, then a pending reboot, then staleness.
    State state = State::Ok;
    for (const Assessment::Finding &finding : assessment.findings) {
        if (finding.code == QLatin1String("source-failed"))
            return State::Error;
        if (finding.code == QLatin1String("reboot-required"))
            state = State::RebootRequired;
        // Stale, unmaintained: both mean "update your inputs".
        else if (state == State::Ok)
            state = State::Stale;
    }
    return state;
}

QString TrayIcon::iconPath(State state)
{
    switch (state) {
    case State::Ok: return QStringLiteral(":/nixos-tray/icons/nixos-status-ok.svg");
    case State::RebootRequired: return QStringLiteral(":/nixos-tray/icons/nixos-status-reboot.svg");
    case State::Stale: return QStringLiteral(":/nixos-tray/icons/nixos-status-stale.svg");
    case State::Error: return QStringLiteral(":/nixos-tray/icons/nixos-status-error.svg");
    }
    Q_UNREACHABLE();
}

void TrayIcon::setStatus(const Snapshot &snapshot, const Assessment &assessment, qint64 now)
{
    const State state = stateOf(assessment);
    m_toolTip = StatusText::summary(snapshot, assessment, now);
    if (m_icon) {
        if (state != m_state)
            m_icon->setIcon(QIcon(iconPath(state)));
        m_icon->setToolTip(m_toolTip);
    }
    m_state = state;

    qDeleteAll(m_statusLines);
    m_statusLines.clear();
    for (const QString &line : StatusText::lines(snapshot, assessment, now)) {
        auto *action = new QAction(line, &m_menu);
        action->setEnabled(false);  // information, not a command
        m_menu.insertAction(m_statusSeparator, action);
        m_statusLines.append(action);
    }
}

void TrayIcon::setSnoozedUntil(std::optional<qint64> until)
{
    m_resume->setVisible(until.has_value());
    m_snoozeMenu.setTitle(until ? QStringLiteral("Notifications snoozed until %1")
                                      .arg(QLocale().toString(QDateTime::fromSecsSinceEpoch(*until), QLocale::ShortFormat))
                                : QStringLiteral("Snooze notifications"));
}

void TrayIcon::setRebootAvailable(bool available)
{
    m_reboot->setVisible(available);
}
