// SPDX-License-Identifier: MIT
#include "trayicon.h"

#include "snapshot.h"
#include "statustext.h"

#include <QDateTime>
#include <QIcon>
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcTray)

namespace {
QString toolTipOf(const QString &summary)
{
    return TrayIcon::ProductName + QLatin1Char('\n') + summary;
}
} // namespace

TrayIcon::TrayIcon(QObject *parent)
    : QObject(parent), m_item(QStringLiteral("nixos-tray"), &m_menu)
{
    // Qt draws SVG through plugins of its own (qtsvg): without them every icon is empty,
    // and a panel shows nothing at all. Say so once, with what to install.
    if (QIcon(iconPath(m_state)).pixmap(QSize(22, 22), 1.0).isNull())
        qCWarning(lcTray).noquote()
            << "the tray icon cannot be drawn: Qt's SVG plugins are missing (install libqt6svg6 on "
               "Debian 12, qt6-svg-plugins on later Debian, qt6.qtsvg in nixpkgs)";
    m_item.setTitle(ProductName);
    m_item.setIcon(QIcon(iconPath(m_state)));
    m_item.setToolTip(ProductName, QString());
    connect(&m_item, &StatusNotifierItem::activated, this, &TrayIcon::detailsRequested);
    // A panel with a watcher came after the XEmbed tray: one icon is enough.
    connect(&m_item, &StatusNotifierItem::registeredChanged, this, [this](bool registered) {
        if (registered)
            m_xembed.reset();
    });

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

void TrayIcon::showInXEmbedTray()
{
    if (!m_xembed) {
        m_xembed = std::make_unique<QSystemTrayIcon>(QIcon(iconPath(m_state)));
        m_xembed->setToolTip(toolTipOf(m_toolTip));
        m_xembed->setContextMenu(&m_menu);
        connect(m_xembed.get(), &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
            if (reason == QSystemTrayIcon::Trigger)
                Q_EMIT detailsRequested();
        });
    }
    m_xembed->show();
}

StatusNotifierItem::Status TrayIcon::itemStatus(Assessment::Level level)
{
    switch (level) {
    case Assessment::Level::Ok: return StatusNotifierItem::Status::Passive;
    case Assessment::Level::Attention: return StatusNotifierItem::Status::Active;
    case Assessment::Level::Error: return StatusNotifierItem::Status::NeedsAttention;
    }
    Q_UNREACHABLE();
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
    if (state != m_state)
        m_item.setIcon(QIcon(iconPath(state)));
    m_item.setToolTip(ProductName, m_toolTip);
    m_item.setStatus(itemStatus(assessment.level));
    if (m_xembed) {
        if (state != m_state)
            m_xembed->setIcon(QIcon(iconPath(state)));
        m_xembed->setToolTip(toolTipOf(m_toolTip));
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
