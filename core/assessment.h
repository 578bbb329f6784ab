// SPDX-License-Identifier: MIT
#pragma once

#include "thresholds.h"

#include <QList>
#include <QString>

#include <optional>

struct Snapshot;

// Whether a machine needs its owner, and why: the verdict the tray shows, the CLI turns into
// an exit code and /status publishes.
struct Assessment
{
    enum class Level { Ok, Attention, Error };

    struct Finding
    {
        QString code;     // stable identifier: "reboot-required", "generation-stale",
                          // "nixpkgs-stale", "nixpkgs-unmaintained", "source-failed",
                          // "boot-full", "auto-upgrade-failed", "auto-upgrade-overdue", "gc-overdue"
        Level level = Level::Attention;
        QString message;  // one line for people
        // The identity of the condition: equal across rescans and restarts while it is the
        // same condition, different when it is a new one (a reboot needed for another
        // switch, another stale generation). Notifiers remember what they told by key.
        QString key;
        bool operator==(const Finding &) const = default;
    };

    Level level = Level::Ok;  // the worst of the findings
    QList<Finding> findings;

    static QString levelName(Level level);  // "ok", "attention", "error"
    static Assessment of(const Snapshot &snapshot, const Thresholds &thresholds, qint64 now);
    // The first moment after now at which time alone changes the verdict (a generation,
    // nixpkgs or a maintenance task's last run crosses its threshold), so that a UI can sleep
    // until then instead of polling.
    static std::optional<qint64> nextChange(const Snapshot &snapshot, const Thresholds &thresholds, qint64 now);
    bool operator==(const Assessment &) const = default;
};
