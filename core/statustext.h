// SPDX-License-Identifier: MIT
#pragma once

#include "maintenancestate.h"

#include <QString>
#include <QStringList>

#include <optional>

struct Assessment;
struct PackageDiff;
struct Snapshot;

// The state in words, the same for the tray's tooltip and menu and the CLI.
namespace StatusText {
// "3 hours", "1 day", "41 days"
QString age(qint64 seconds);

// How many decimals bytes() gives: a sentence wants few digits ("86 MiB free"), two close
// sizes side by side one decimal in every unit ("583.3 KiB → 583.4 KiB").
enum class Precision { Brief, Tenths };
// "512 B", "86 MiB", "1.5 GiB" (Brief: one decimal below 10 of a unit); binary units.
QString bytes(double size, Precision precision = Precision::Brief);

// "/boot: 86 MiB free, room for 2 more kernels"; the parts that are unknown are said so.
QString boot(const QString &path, std::optional<qint64> freeBytes, std::optional<qint64> roomForGenerations);

// "9 packages (6 upgraded, 1 downgraded, 1 added, 1 removed)", "1 package (1 upgraded)",
// "no packages": what a reboot (or a diff) changes, counted.
QString packageChanges(const PackageDiff &diff);

// One line: "generation 47 (booted 46) · nixpkgs 41 days old · reboot required: kernel
// 6.6.1 → 6.6.5".
QString summary(const Snapshot &snapshot, const Assessment &assessment, qint64 now);

// A moment to come in local time, as people plan: "today 14:00", "tonight 04:40" (from 18:00
// to 06:00 of the next morning), "tomorrow 09:00", "on 2026-12-02 04:40".
QString when(qint64 moment, qint64 now);

// "auto-upgrade: last success 3 days ago, next run tonight 04:40"; what is unknown is said.
QString maintenanceTask(const QString &name, const Maintenance::TaskState &state, qint64 now);

// A few short lines, most important first: what runs, what booted, nixpkgs, the maintenance
// tasks that exist (with the maintenance collector), then every finding that needs attention.
QStringList lines(const Snapshot &snapshot, const Assessment &assessment, qint64 now);
} // namespace StatusText
