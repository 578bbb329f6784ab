// SPDX-License-Identifier: MIT
#pragma once

#include "assessment.h"
#include "statusnotifieritem.h"

#include <QMenu>
#include <QObject>
#include <QSystemTrayIcon>

#include <memory>

struct Snapshot;

// The icon in the panel and its menu. It shows; TrayApplication decides. The icon is our
// StatusNotifierItem, which appears wherever a panel runs a StatusNotifierWatcher; in an
// XEmbed-only tray (no watcher) a QSystemTrayIcon stands in, until a watcher appears.
class TrayIcon : public QObject
{
    Q_OBJECT
public:
    enum class State { Ok, RebootRequired, Stale, Error };
    // What the panel and launcher call the product: the .desktop files' Name.
    static inline const QString ProductName = QStringLiteral("NixOS Status");

    explicit TrayIcon(QObject *parent = nullptr);

    static State stateOf(const Assessment &assessment);
    static QString iconPath(State state);
    // Passive (a panel may tuck it away) when all is well, Active when something needs
    // attention, NeedsAttention when the state cannot be read.
    static StatusNotifierItem::Status itemStatus(Assessment::Level level);

    void setStatus(const Snapshot &snapshot, const Assessment &assessment, qint64 now);
    void setSnoozedUntil(std::optional<qint64> until);
    void setRebootAvailable(bool available);
    // Shows the icon in an XEmbed tray, where no StatusNotifierWatcher is. Only then is the
    // QSystemTrayIcon made: Qt would make its own StatusNotifierItem if a watcher ran.
    void showInXEmbedTray();
    bool isVisible() const { return m_item.isRegistered() || (m_xembed && m_xembed->isVisible()); }
    QString toolTip() const { return m_toolTip; }
    State state() const { return m_state; }
    QMenu *menu() { return &m_menu; }
    const StatusNotifierItem &item() const { return m_item; }

Q_SIGNALS:
    void detailsRequested();
    void settingsRequested();
    void snoozeRequested(qint64 seconds);  // 0: resume now
    void rebootRequested();
    void quitRequested();

private:
    QString m_toolTip;
    QMenu m_menu;
    QMenu m_snoozeMenu;
    QAction *m_statusSeparator = nullptr;
    QList<QAction *> m_statusLines;
    QAction *m_resume = nullptr;
    QAction *m_reboot = nullptr;
    State m_state = State::Ok;
    StatusNotifierItem m_item;  // after the menu, which it exports
    std::unique_ptr<QSystemTrayIcon> m_xembed;
};
