// SPDX-License-Identifier: MIT
#include "rebootcheck.h"

namespace RebootCheck {

QString partName(RebootReason::Part part)
{
    switch (part) {
    case RebootReason::Part::Kernel: return QStringLiteral("kernel");
    case RebootReason::Part::Initrd: return QStringLiteral("initrd");
    case RebootReason::Part::KernelModules: return QStringLiteral("kernel-modules");
    case RebootReason::Part::Systemd: return QStringLiteral("systemd");
    case RebootReason::Part::InitInterfaceVersion: return QStringLiteral("init-interface-version");
    }
    Q_UNREACHABLE();
}

namespace {
QString withoutStoreHash(const QString &path)
{
    static const QString store = QStringLiteral("/nix/store/");
    if (!path.startsWith(store))
        return path;
    const qsizetype dash = path.indexOf(QLatin1Char('-'), store.size());
    return dash < 0 ? path : path.mid(dash + 1);
}
} // namespace

QString describe(const RebootReason &reason)
{
    return QStringLiteral("%1 %2 → %3")
        .arg(partName(reason.part), withoutStoreHash(reason.booted), withoutStoreHash(reason.current));
}

QList<RebootReason> reasons(const SystemClosure &booted, const SystemClosure &current)
{
    QList<RebootReason> found;
    const auto compare = [&](RebootReason::Part part, const QString &b, const QString &c) {
        if (b != c)
            found.append({part, b, c});
    };
    compare(RebootReason::Part::Kernel, booted.kernel, current.kernel);
    // "6.6.1 -> 6.6.5" says more than two store paths; a rebuilt kernel of the same version
    // keeps its paths.
    if (!found.isEmpty() && !booted.kernelVersion.isEmpty() && !current.kernelVersion.isEmpty()
        && booted.kernelVersion != current.kernelVersion)
        found.front() = {RebootReason::Part::Kernel, booted.kernelVersion, current.kernelVersion};
    compare(RebootReason::Part::Initrd, booted.initrd, current.initrd);
    compare(RebootReason::Part::KernelModules, booted.kernelModules, current.kernelModules);
    compare(RebootReason::Part::Systemd, booted.systemd, current.systemd);
    compare(RebootReason::Part::InitInterfaceVersion, booted.initInterfaceVersion,
            current.initInterfaceVersion);
    return found;
}

} // namespace RebootCheck
