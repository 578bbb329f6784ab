// SPDX-License-Identifier: MIT
#include "webconfigwatcher.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcWebConfig, "nixos.exporter.webconfig", QtInfoMsg)

namespace {

// The file as a server would read it: its bytes (up to the limit WebConfig reads), or why not.
QByteArray contentsOrError(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return "unreadable: " + file.errorString().toUtf8();
    return "read: " + file.read(1 << 20);
}

QStringList filesOf(const WebConfig &config)
{
    if (!config.tls)
        return {};
    QStringList files{config.tls->certFile, config.tls->keyFile};
    if (!config.tls->clientCaFile.isEmpty())
        files.append(config.tls->clientCaFile);
    return files;
}

} // namespace

WebConfigWatcher::WebConfigWatcher(const QString &fileName, const WebConfig &current, Apply apply,
                                   QObject *parent)
    : QObject(parent), m_fileName(fileName), m_apply(std::move(apply)), m_current(current)
{
    QFile file(m_fileName);
    m_lastFingerprint = fingerprint(file.open(QIODevice::ReadOnly) ? file.read(1 << 20) : QByteArray(), &m_current);
    // Not restarted by later events: a burst (certificate, then key) costs one read.
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(DebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &WebConfigWatcher::check);
    const auto changed = [this] {
        if (!m_debounce.isActive())
            m_debounce.start();
    };
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, changed);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, changed);
    m_poll.setInterval(PollIntervalMs);
    connect(&m_poll, &QTimer::timeout, this, &WebConfigWatcher::check);
    m_poll.start();
    watch(m_current);
}

QByteArray WebConfigWatcher::fingerprint(const QByteArray &yaml, const WebConfig *config) const
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(yaml);
    if (config) {
        for (const QString &file : filesOf(*config)) {
            const QByteArray contents = contentsOrError(file);
            hash.addData(file.toUtf8() + '\0' + QByteArray::number(contents.size()) + '\0');
            hash.addData(contents);
        }
    }
    return hash.result();
}

void WebConfigWatcher::check()
{
    QString error;
    QFile file(m_fileName);
    QByteArray yaml;
    std::optional<WebConfig> config;
    if (!file.open(QIODevice::ReadOnly))
        error = QStringLiteral("%1: %2").arg(m_fileName, file.errorString());
    else
        config = WebConfig::loadYamlText(yaml = file.read(1 << 20), m_fileName, &error);
    const QByteArray print = config ? fingerprint(yaml, &*config) : "error: " + error.toUtf8();
    if (print != m_lastFingerprint) {
        m_lastFingerprint = print;
        const bool applied = config && m_apply(*config, &error);
        if (applied) {
            m_current = *config;
            qCInfo(lcWebConfig).noquote() << "web config" << m_fileName << "reloaded";
        } else {
            qCWarning(lcWebConfig).noquote()
                << "web config" << m_fileName << "not reloaded, the last good one stays in use:" << error;
        }
        Q_EMIT checked(applied);
    }
    // Replaced files and new links need new watches, whatever was read.
    watch(config ? *config : m_current);
}

void WebConfigWatcher::watch(const WebConfig &config)
{
    QStringList wanted;
    for (const QString &file : QStringList{m_fileName} + filesOf(config) + filesOf(m_current)) {
        const QFileInfo info(file);
        wanted << info.absoluteFilePath() << info.absolutePath();
        // Through links (certbot's live/ -> archive/, Kubernetes' ..data): the target and its
        // directory too.
        const QString target = info.canonicalFilePath();
        if (!target.isEmpty())
            wanted << target << QFileInfo(target).absolutePath();
    }
    const QStringList watched = m_watcher.files() + m_watcher.directories();
    QStringList missing;
    for (const QString &path : std::as_const(wanted)) {
        if (!watched.contains(path) && !missing.contains(path) && QFileInfo::exists(path))
            missing.append(path);
    }
    if (!missing.isEmpty())
        m_watcher.addPaths(missing);
}
