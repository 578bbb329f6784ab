// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

struct Assessment;
struct Snapshot;

// The state in words, the same for the tray's tooltip and menu and the CLI.
namespace StatusText {
// "3 hours", "1 day", "41 days"
QString age(qint64 seconds);

// "512 B", "86 MiB", "1.5 GiB": one decimal below 10 of a unit.
QString bytes(double size);

// "/boot: 86 MiB free, room for 2 more kernels"; the parts that are unknown are said so.
QString boot(const QString &path, std::optional<qint64> freeBytes, std::optional<qint64> roomForGenerations);

// One line: "generation 47 (booted 46) · nixpkgs 41 days old · reboot required: kernel
// 6.6.1 → 6.6.5".
QString summary(const Snapshot &snapshot, const Assessment &assessment, qint64 now);

// A few short lines, most important first: what runs, what booted, nixpkgs, then every
// finding that needs attention.
QStringList lines(const Snapshot &snapshot, const Assessment &assessment, qint64 now);
} // namespace StatusText
