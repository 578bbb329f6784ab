// SPDX-License-Identifier: MIT
#include "systemlayout.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace {
// The kernel's own limit (MAXSYMLINKS); more hops than this is a loop.
constexpr int MaxSymlinkHops = 40;

QString errnoText(int error) { return QString::fromLocal8Bit(std::strerror(error)); }
} // namespace

std::optional<QString> SystemLayout::hostLinkTarget(const QByteArray &hostPath)
{
    char buffer[4096];
    const ssize_t length = ::readlink(hostPath.constData(), buffer, sizeof buffer);
    if (length < 0 || length >= ssize_t(sizeof buffer))
        return std::nullopt;
    return QFile::decodeName(QByteArray::fromRawData(buffer, length));
}

SystemLayout::SystemLayout(const QString &root)
    : m_root(QDir::cleanPath(QDir(root).absolutePath()))
{
    if (m_root == QLatin1String("/"))
        m_root.clear();
}

QString SystemLayout::hostPath(const QString &systemPath) const
{
    // QDir::cleanPath keeps a leading "/.."; a system path must never climb above the root.
    QStringList components;
    for (const QString &component : systemPath.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (component == QLatin1String("..")) {
            if (!components.isEmpty())
                components.removeLast();
        } else if (component != QLatin1String(".")) {
            components.append(component);
        }
    }
    return m_root + QLatin1Char('/') + components.join(QLatin1Char('/'));
}

std::optional<QString> SystemLayout::resolve(const QString &systemPath, QString *error) const
{
    // Walk the path one component at a time, as the kernel does, but restart absolute link
    // targets at m_root instead of the host's "/".
    QStringList pending = systemPath.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    QStringList resolved;
    int hops = 0;
    while (!pending.isEmpty()) {
        const QString component = pending.takeFirst();
        if (component == QLatin1String("."))
            continue;
        if (component == QLatin1String("..")) {
            if (!resolved.isEmpty())
                resolved.removeLast();
            continue;
        }
        resolved.append(component);
        const QString current = QLatin1Char('/') + resolved.join(QLatin1Char('/'));
        const QByteArray host = QFile::encodeName(hostPath(current));
        struct stat info;
        if (::lstat(host.constData(), &info) != 0) {
            if (error)
                *error = QStringLiteral("%1: %2").arg(current, errnoText(errno));
            return std::nullopt;
        }
        if (!S_ISLNK(info.st_mode))
            continue;
        const std::optional<QString> target = hostLinkTarget(host);
        if (!target || ++hops > MaxSymlinkHops) {
            if (error)
                *error = target ? QStringLiteral("%1: too many levels of symbolic links").arg(current)
                                : QStringLiteral("%1: cannot read link").arg(current);
            return std::nullopt;
        }
        resolved.removeLast();
        if (target->startsWith(QLatin1Char('/')))
            resolved.clear();
        pending = target->split(QLatin1Char('/'), Qt::SkipEmptyParts) + pending;
    }
    return QLatin1Char('/') + resolved.join(QLatin1Char('/'));
}

std::optional<QByteArray> SystemLayout::hostPathOfLink(const QString &systemPath) const
{
    // Resolve the directories, not the final component: that is the link being asked about.
    const QFileInfo info(systemPath);
    const std::optional<QString> directory = resolve(info.path());
    if (!directory)
        return std::nullopt;
    return QFile::encodeName(hostPath(*directory + QLatin1Char('/') + info.fileName()));
}

std::optional<QString> SystemLayout::linkTarget(const QString &systemPath) const
{
    const std::optional<QByteArray> host = hostPathOfLink(systemPath);
    return host ? hostLinkTarget(*host) : std::nullopt;
}

std::optional<QByteArray> SystemLayout::readFile(const QString &systemPath, qint64 maxBytes,
                                                 QString *error) const
{
    const std::optional<QString> path = resolve(systemPath, error);
    if (!path)
        return std::nullopt;
    QFile file(hostPath(*path));
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(systemPath, file.errorString());
        return std::nullopt;
    }
    if (file.size() > maxBytes) {
        if (error)
            *error = QStringLiteral("%1: %2 bytes is more than the limit of %3 bytes")
                         .arg(systemPath).arg(file.size()).arg(maxBytes);
        return std::nullopt;
    }
    // size() is 0 for some special files; read() still stops at maxBytes + 1.
    QByteArray data = file.read(maxBytes + 1);
    if (data.size() > maxBytes) {
        if (error)
            *error = QStringLiteral("%1: more than the limit of %2 bytes").arg(systemPath).arg(maxBytes);
        return std::nullopt;
    }
    if (file.error() != QFileDevice::NoError) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(systemPath, file.errorString());
        return std::nullopt;
    }
    return data;
}

QStringList SystemLayout::listDirectory(const QString &systemPath) const
{
    const std::optional<QString> path = resolve(systemPath);
    if (!path)
        return {};
    // QDir::System lists dangling symlinks too: a generation link whose target is gone is
    // still a generation.
    return QDir(hostPath(*path))
        .entryList(QDir::AllEntries | QDir::System | QDir::Hidden | QDir::NoDotAndDotDot,
                   QDir::Name);
}

std::optional<qint64> SystemLayout::hostLinkMTime(const QByteArray &hostPath)
{
    struct stat status;
    if (::lstat(hostPath.constData(), &status) != 0)
        return std::nullopt;
    return qint64(status.st_mtim.tv_sec);
}
