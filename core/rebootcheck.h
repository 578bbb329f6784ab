// SPDX-License-Identifier: MIT
#pragma once

#include "systemclosure.h"

#include <QList>
#include <QString>

// Why the booted system differs from the running one in a way only a reboot applies.
// The same parts NixOS itself compares before it says a reboot is needed.
struct RebootReason
{
    enum class Part { Kernel, Initrd, KernelModules, Systemd, InitInterfaceVersion };
    Part part;
    QString booted;   // what the booted system has (kernel version where known)
    QString current;  // what the running system has
    bool operator==(const RebootReason &) const = default;
};

namespace RebootCheck {
inline constexpr RebootReason::Part AllParts[] = {
    RebootReason::Part::Kernel, RebootReason::Part::Initrd, RebootReason::Part::KernelModules,
    RebootReason::Part::Systemd, RebootReason::Part::InitInterfaceVersion};

// Stable lower-case names used in metrics and JSON: "kernel", "initrd", "kernel-modules",
// "systemd", "init-interface-version".
QString partName(RebootReason::Part part);

QList<RebootReason> reasons(const SystemClosure &booted, const SystemClosure &current);

// For people, in package terms: "linux 6.12.47 → 6.12.52", "systemd 257.8 → 257.9", "systemd
// 257.8 (rebuilt)", "initrd", "kernel modules", "init interface systemd 1 → systemd 2". The raw
// paths stay in RebootReason (and /status).
QString describe(const RebootReason &reason);
// All of them in one line, versions first: "linux 6.12.47 → 6.12.52, systemd 257.8 → 257.9,
// initrd". The kernel modules are left out when the kernel changed (they come with it).
QString describe(const QList<RebootReason> &reasons);
} // namespace RebootCheck
