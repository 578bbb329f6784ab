// SPDX-License-Identifier: MIT
#include "upgradechecker.h"

#include "safeurl.h"
#include "statusmonitor.h"
#include "upgradestate.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QRegularExpression>

// The exporter's log names the category (README, Logging); the tray logs it under the same.
Q_LOGGING_CATEGORY(lcUpgrade, "nixos.exporter.upgrade", QtInfoMsg)

namespace {
// A timer longer than this would overflow QTimer's int milliseconds.
constexpr qint64 MaxTimerMs = 24 * 86'400'000LL;
constexpr qint64 MaxBodyBytes = 4096;
} // namespace

UpgradeChecker::UpgradeChecker(StatusMonitor &monitor, const Settings &settings, QObject *parent)
    : QObject(parent), m_monitor(monitor), m_settings(settings),
      m_backoffMs(settings.initialBackoffMs)
{
    m_next.setSingleShot(true);
    // "At most every interval": a coarse timer may fire up to 5 % early.
    m_next.setTimerType(Qt::PreciseTimer);
    connect(&m_next, &QTimer::timeout, this, &UpgradeChecker::check);
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        if (m_reply) {
            m_timedOut = true;
            m_reply->abort();
        }
    });
}

UpgradeChecker::~UpgradeChecker()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
    }
}

std::optional<QString> UpgradeChecker::parseRevision(const QByteArray &body)
{
    static const QRegularExpression revision(QStringLiteral("^([0-9a-fA-F]{7,64})\\s*$"));
    const QRegularExpressionMatch match = revision.match(QString::fromLatin1(body));
    if (!match.hasMatch())
        return std::nullopt;
    return match.captured(1).toLower();
}

void UpgradeChecker::start()
{
    SourceStatus status;
    status.enabled = true;
    status.error = QStringLiteral("first check under way");
    status.underWay = true;
    m_monitor.setUpgradeResult(status, m_state);
    // A switch to a system that follows another channel (a new release, another flake ref)
    // is checked at once rather than at the end of the interval.
    connect(&m_monitor, &StatusMonitor::snapshotChanged, this, [this](const Snapshot &snapshot) {
        if (!m_settings.url.isEmpty() || !m_settings.channel.isEmpty() || m_reply)
            return;
        const QString channel = Upgrade::defaultChannel(snapshot);
        if (!channel.isEmpty() && channel != m_state.channel) {
            m_next.stop();
            check();
        }
    });
    check();
}

QUrl UpgradeChecker::targetUrl(QString *channel, QString *error) const
{
    if (!m_settings.url.isEmpty())
        return QUrl(m_settings.url);
    *channel = m_settings.channel;
    if (channel->isEmpty()) {
        QString why;
        *channel = Upgrade::defaultChannel(m_monitor.snapshot(), &why);
        if (channel->isEmpty()) {
            *error = QStringLiteral("cannot tell which channel to check: %1; %2")
                         .arg(why, m_settings.channelHint);
            return {};
        }
    }
    QString base = m_settings.baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return QUrl(base + QLatin1Char('/') + *channel + QStringLiteral("/git-revision"));
}

void UpgradeChecker::check()
{
    if (m_reply)
        return;
    QString channel;
    QString error;
    const QUrl url = targetUrl(&channel, &error);
    if (error.isEmpty() && (!url.isValid() || url.scheme().isEmpty()))
        error = QStringLiteral("\"%1\" is not a URL").arg(url.toString());
    if (!error.isEmpty()) {
        report(error, 0);
        return;
    }
    // What /status shows and the log says: the URL without its credentials.
    const QString shownUrl = SafeUrl::of(url.toString());
    if (channel != m_state.channel || shownUrl != m_state.url) {
        // Another channel's head says nothing about this one.
        m_state = UpgradeState();
        m_state.channel = channel;
        m_state.url = shownUrl;
    }
    QNetworkRequest request(url);
    // nixos-exporter or nixos-tray: the channel server's logs tell the two apart.
    request.setHeader(QNetworkRequest::UserAgentHeader, QCoreApplication::applicationName());
    // channels.nixos.org answers with a redirect to releases.nixos.org.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    ++m_requests;
    m_timedOut = false;
    m_requestTimer.start();
    m_reply = m_network.get(request);
    connect(m_reply, &QNetworkReply::finished, this,
            [this, reply = m_reply.data()] { finish(reply); });
    m_timeout.start(int(std::min(m_settings.timeoutMs, MaxTimerMs)));
}

void UpgradeChecker::finish(QNetworkReply *reply)
{
    reply->deleteLater();
    m_reply = nullptr;
    m_timeout.stop();
    const double seconds = m_requestTimer.nsecsElapsed() / 1e9;
    const QString url = SafeUrl::of(reply->url().toString());
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_timedOut) {
        report(
            QStringLiteral("%1: no answer within %2 s").arg(url).arg(m_settings.timeoutMs / 1000.0),
            seconds);
        return;
    }
    if (status != 0 && status != 200) {
        report(QStringLiteral("%1: HTTP %2 %3")
                   .arg(url)
                   .arg(status)
                   .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString())
                   .trimmed(),
               seconds);
        return;
    }
    if (reply->error() != QNetworkReply::NoError) {
        report(QStringLiteral("%1: %2").arg(url, reply->errorString()), seconds);
        return;
    }
    const std::optional<QString> revision = parseRevision(reply->read(MaxBodyBytes));
    if (!revision) {
        report(QStringLiteral("%1: the answer is not a git revision").arg(url), seconds);
        return;
    }
    m_state.headRevision = *revision;
    const QDateTime lastModified = reply->header(QNetworkRequest::LastModifiedHeader).toDateTime();
    m_state.headLastModified = lastModified.isValid()
                                   ? std::optional<qint64>(lastModified.toSecsSinceEpoch())
                                   : std::nullopt;
    m_state.checkedAt = QDateTime::currentSecsSinceEpoch();
    report({}, seconds);
}

void UpgradeChecker::report(const QString &error, double seconds)
{
    SourceStatus status;
    status.enabled = true;
    status.ok = error.isEmpty();
    // Errors quote URLs, and Qt's own messages may too.
    status.error = SafeUrl::inText(error);
    status.seconds = seconds;
    m_monitor.setUpgradeResult(status, m_state);
    if (status.ok) {
        m_backoffMs = m_settings.initialBackoffMs;
        schedule(m_settings.intervalMs);
    } else {
        // The collector's failure is logged once, by CollectorLog; each retry only at debug.
        qCDebug(lcUpgrade).noquote()
            << "upgrade check failed:" << status.error << "- next try in" << m_backoffMs / 1000.0 << "s";
        schedule(m_backoffMs);
        m_backoffMs =
            std::min(m_backoffMs * 2, std::max(m_settings.intervalMs, m_settings.initialBackoffMs));
    }
    Q_EMIT checked(status.ok);
}

void UpgradeChecker::schedule(qint64 delayMs)
{
    m_nextDelayMs = delayMs;
    m_next.start(int(std::min(delayMs, MaxTimerMs)));
}
