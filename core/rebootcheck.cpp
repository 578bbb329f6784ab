// SPDX-License-Identifier: MIT
#include "rebootcheck.h"

#include "storepathname.h"

#include <algorithm>

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

// "systemd 257.8 → 257.9" from two store paths of one package; "systemd 257.8 (rebuilt)" when
// only its inputs changed; both names in full when the package itself changed ("linux 6.12.47
// → linux-zen 6.12.47").
QString packageChange(const QString &booted, const QString &current)
{
    const StorePathName::DrvName from = StorePathName::parseDrvName(StorePathName::of(booted));
    const StorePathName::DrvName to = StorePathName::parseDrvName(StorePathName::of(current));
    const auto named = [](const StorePathName::DrvName &drv) {
        return drv.version.isEmpty() ? drv.name : drv.name + QLatin1Char(' ') + drv.version;
    };
    if (from.name != to.name)
        return QStringLiteral("%1 → %2").arg(named(from), named(to));
    if (from.version == to.version)
        return QStringLiteral("%1 (rebuilt)").arg(named(to));
    return QStringLiteral("%1 %2 → %3").arg(to.name, from.version, to.version);
}

} // namespace

QString describe(const RebootReason &reason)
{
    switch (reason.part) {
    case RebootReason::Part::Kernel:
        // reasons() gives the kernel's versions where known, else its image's store paths.
        if (!reason.booted.startsWith(QLatin1Char('/')) && !reason.current.startsWith(QLatin1Char('/')))
            return QStringLiteral("linux %1 → %2").arg(reason.booted, reason.current);
        return packageChange(reason.booted, reason.current);
    case RebootReason::Part::Systemd:
        return packageChange(reason.booted, reason.current);
    // What changed inside an initrd or the module tree cannot be told from its name (both carry
    // the kernel's version, which the kernel's own reason already says).
    case RebootReason::Part::Initrd:
        return QStringLiteral("initrd");
    case RebootReason::Part::KernelModules:
        return QStringLiteral("kernel modules");
    case RebootReason::Part::InitInterfaceVersion:
        return QStringLiteral("init interface %1 → %2").arg(reason.booted, reason.current);
    }
    Q_UNREACHABLE();
}

QString describe(const QList<RebootReason> &reasons)
{
    const auto has = [&](RebootReason::Part part) {
        return std::any_of(reasons.cbegin(), reasons.cend(), [&](const RebootReason &r) { return r.part == part; });
    };
    // Packages with their versions first, the parts that are only named after them.
    QStringList versioned;
    QStringList named;
    for (const RebootReason &reason : reasons) {
        // A new kernel brings its own modules: saying so again adds nothing.
        if (reason.part == RebootReason::Part::KernelModules && has(RebootReason::Part::Kernel))
            continue;
        const QString text = describe(reason);
        (text.contains(QStringLiteral(" → ")) ? versioned : named).append(text);
    }
    return (versioned + named).join(QStringLiteral(", "));
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
