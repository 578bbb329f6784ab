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

// For people: "kernel 6.6.1 → 6.6.5", "systemd systemd-256.8 → systemd-256.10" (store
// paths without /nix/store/<hash>-).
QString describe(const RebootReason &reason);
} // namespace RebootCheck
