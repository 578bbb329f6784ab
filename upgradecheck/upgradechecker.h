// SPDX-License-Identifier: MIT
#pragma once

#include "snapshot.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class StatusMonitor;
class QNetworkReply;

// Asks the network for the head of the channel the system follows and hands the answer to
// the monitor (StatusMonitor::setUpgradeResult), which keeps it in the Snapshot: a scrape
// only renders it, the tray compares it. It lives next to the core, in a library of its own
// that both front ends link, because the core has no network.
//
// One request at a time, at most every intervalMs after a good answer; after a failure the
// next try comes after initialBackoffMs, doubling up to intervalMs. A failure keeps the last
// good answer and marks the source failed with one line saying why.
class UpgradeChecker : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        QString channel; // empty: Upgrade::defaultChannel of the snapshot
        QString baseUrl = QStringLiteral("https://channels.nixos.org");
        QString url; // a git-revision URL to use instead of <baseUrl>/<channel>/git-revision
        qint64 intervalMs = 6 * 3'600'000LL;
        qint64 timeoutMs = 30'000;
        qint64 initialBackoffMs = 60'000;
        // Where the user sets the channel, named when none can be derived: each front end
        // configures it differently.
        QString channelHint = QStringLiteral("set collectors.upgrade.channel or url");
    };

    UpgradeChecker(StatusMonitor &monitor, const Settings &settings, QObject *parent = nullptr);
    ~UpgradeChecker() override;

    // Marks the source as checking and sends the first request.
    void start();

    // For tests and logs: requests sent so far, and the delay before the next one.
    int requestCount() const { return m_requests; }
    qint64 nextDelayMs() const { return m_nextDelayMs; }

    // Parses a git-revision body: 40 (or at least 7) hex digits and a newline at most.
    static std::optional<QString> parseRevision(const QByteArray &body);

Q_SIGNALS:
    // After every answer or failure; ok says which.
    void checked(bool ok);

private:
    void check();
    void finish(QNetworkReply *reply);
    void report(const QString &error, double seconds);
    void schedule(qint64 delayMs);
    QUrl targetUrl(QString *channel, QString *error) const;

    StatusMonitor &m_monitor;
    const Settings m_settings;
    QNetworkAccessManager m_network;
    QTimer m_next;
    QTimer m_timeout;
    QPointer<QNetworkReply> m_reply;
    bool m_timedOut = false;
    QElapsedTimer m_requestTimer;
    UpgradeState m_state; // the last good answer (and what the last request was for)
    qint64 m_backoffMs = 0;
    qint64 m_nextDelayMs = 0;
    int m_requests = 0;
};
