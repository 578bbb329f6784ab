// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

struct Assessment;
struct Snapshot;

// The state in words, the same for the tray's tooltip and menu and the CLI.
namespace StatusText {
// "3 hours", "1 day", "41 days"
QString age(qint64 seconds);

// One line: "generation 47 (booted 46) · nixpkgs 41 days old · reboot required: kernel
// 6.6.1 → 6.6.5".
QString summary(const Snapshot &snapshot, const Assessment &assessment, qint64 now);

// A few short lines, most important first: what runs, what booted, nixpkgs, then every
// finding that needs attention.
QStringList lines(const Snapshot &snapshot, const Assessment &assessment, qint64 now);
} // namespace StatusText
