// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QFile>
#include <QList>

#include <optional>

// Now as the kernel counts it, boot time (/proc/stat's btime) plus /proc/uptime, in seconds
// since the epoch: the clock process start times are measured on. libfaketime moves the C
// library's clock but not this one, so a test that checks a start time compares it to this,
// and passes whatever date the rest of the suite is made to see.
namespace KernelClock {
inline std::optional<double> now()
{
    QFile stat(QStringLiteral("/proc/stat"));
    QFile uptime(QStringLiteral("/proc/uptime"));
    if (!stat.open(QIODevice::ReadOnly) || !uptime.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QList<QByteArray> up = uptime.readAll().split(' ');
    for (const QByteArray &line : stat.readAll().split('\n')) {
        if (line.startsWith("btime "))
            return line.mid(6).trimmed().toDouble() + up.value(0).toDouble();
    }
    return std::nullopt;
}
} // namespace KernelClock
