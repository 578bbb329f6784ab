// SPDX-License-Identifier: MIT
#pragma once

#include "assessment.h"

#include <optional>

struct Snapshot;

// What the tray tells when its upgrade check (upgradecheck/) says the channel has moved on
// from the nixpkgs this system was built from. Not part of the Assessment: the icon, the CLI
// and /status stay as they are; only the notification policy hears of it.
namespace UpgradeNotice {
inline const QString Code = QStringLiteral("upgrade-available");

// A finding keyed by the channel: told once while an upgrade stays available (the channel
// moving on again is the same news), again after the system caught up and fell behind anew.
// None while not pending or unknown (no answer yet, no local revision).
std::optional<Assessment::Finding> of(const Snapshot &snapshot);
} // namespace UpgradeNotice
