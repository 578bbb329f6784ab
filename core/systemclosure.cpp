// SPDX-License-Identifier: MIT
#include "systemclosure.h"

#include "systemlayout.h"

namespace {
// nixos-version and init-interface-version are a line of text each.
constexpr qint64 MaxSmallFileBytes = 4096;

QString readSmallText(const SystemLayout &layout, const QString &path)
{
    const std::optional<QByteArray> data = layout.readFile(path, MaxSmallFileBytes);
    return data ? QString::fromUtf8(*data).trimmed() : QString();
}
} // namespace

SystemClosure SystemClosure::read(const SystemLayout &layout, const QString &storePath)
{
    SystemClosure closure;
    closure.storePath = storePath;
    const QString base = storePath + QLatin1Char('/');
    const auto resolved = [&](const char *name) {
        return layout.resolve(base + QLatin1String(name)).value_or(QString());
    };
    closure.version = NixosVersion::parse(readSmallText(layout, base + QStringLiteral("nixos-version")));
    closure.kernel = resolved("kernel");
    closure.initrd = resolved("initrd");
    closure.kernelModules = resolved("kernel-modules");
    closure.systemd = resolved("systemd");
    closure.initInterfaceVersion = readSmallText(layout, base + QStringLiteral("init-interface-version"));
    // One directory per kernel built into the closure; NixOS systems have exactly one.
    const QStringList kernels = layout.listDirectory(base + QStringLiteral("kernel-modules/lib/modules"));
    if (!kernels.isEmpty())
        closure.kernelVersion = kernels.first();
    closure.specialisations = layout.listDirectory(base + QStringLiteral("specialisation"));
    return closure;
}
