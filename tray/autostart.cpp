// SPDX-License-Identifier: MIT
#include "autostart.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

namespace Autostart {

QString entryPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
           + QStringLiteral("/autostart/nixos-tray.desktop");
}

bool isEnabled()
{
    return QFileInfo::exists(entryPath());
}

bool setEnabled(bool enabled, QString *error)
{
    const QString path = entryPath();
    if (!enabled) {
        if (!QFileInfo::exists(path) || QFile::remove(path))
            return true;
        *error = QStringLiteral("cannot remove %1").arg(path);
        return false;
    }
    QFile entry(QStringLiteral(":/nixos-tray/autostart.desktop"));
    QSaveFile out(path);
    if (!QDir().mkpath(QFileInfo(path).path()) || !entry.open(QIODevice::ReadOnly)
        || !out.open(QIODevice::WriteOnly) || out.write(entry.readAll()) < 0 || !out.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, out.errorString());
        return false;
    }
    return true;
}

} // namespace Autostart
