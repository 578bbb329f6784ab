// SPDX-License-Identifier: MIT
#include "flakelocklocator.h"

#include "systemlayout.h"

#include <QFileInfo>

namespace FlakeLockLocator {

QStringList candidates()
{
    return {SystemLayout::CurrentSystem + QStringLiteral("/flake.lock"),
            QStringLiteral("/etc/nixos/flake.lock")};
}

QString locate(const SystemLayout &layout, const QString &configuredPath)
{
    if (!configuredPath.isEmpty())
        return configuredPath;
    for (const QString &candidate : candidates()) {
        const std::optional<QString> resolved = layout.resolve(candidate);
        if (resolved && QFileInfo(layout.hostPath(*resolved)).isFile())
            return candidate;
    }
    return {};
}

} // namespace FlakeLockLocator
