// SPDX-License-Identifier: MIT
#pragma once

#include "assessment.h"

#include <QMenu>
#include <QObject>
#include <QSystemTrayIcon>

#include <memory>

struct Snapshot;

// The icon in the panel and its menu. It shows; TrayApplication decides.
class TrayIcon : public QObject
{
    Q_OBJECT
public:
    enum class State { Ok, RebootRequired, Stale, Error };

    explicit TrayIcon(QObject *parent = nullptr);

    static State stateOf(const Assessment &assessment);
    static QString iconPath(State state);

    void setStatus(const Snapshot &snapshot, const Assessment &assessment, qint64 now);
    void setSnoozedUntil(std::optional<qint64> until);
    void setRebootAvailable(bool available);
    // Creates the platform icon: only now, because Qt decides between StatusNotifierItem
    // and XEmbed when a QSystemTrayIcon is constructed.
    void show();
    bool isVisible() const { return m_icon && m_icon->isVisible(); }
    QString toolTip() const { return m_toolTip; }
    State state() const { return m_state; }
    QMenu *menu() { return &m_menu; }

Q_SIGNALS:
    void detailsRequested();
    void settingsRequested();
    void snoozeRequested(qint64 seconds);  // 0: resume now
    void rebootRequested();
    void quitRequested();

private:
    std::unique_ptr<QSystemTrayIcon> m_icon;
    QString m_toolTip;
    QMenu m_menu;
    QMenu m_snoozeMenu;
    QAction *m_statusSeparator = nullptr;
    QList<QAction *> m_statusLines;
    QAction *m_resume = nullptr;
    QAction *m_reboot = nullptr;
    State m_state = State::Ok;
};
