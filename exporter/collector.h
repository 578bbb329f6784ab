// SPDX-License-Identifier: MIT
#pragma once

#include "snapshot.h"

#include <QList>
#include <QString>

class Exposition;

// What the flags and YAML keys change in what collectors write (not in what is read).
struct CollectorOptions
{
    // nixos_generation_timestamp_seconds: one series for each of the newest N generations,
    // plus the current, booted and default ones wherever they are; 0 for every generation.
    // 10 covers the rollbacks people make (NixOS's boot menu shows about as many on a
    // machine with configurationLimit set) and bounds a fleet's series at 13 per host on
    // machines that never collect garbage.
    static constexpr int DefaultGenerationMaxSeries = 10;
    int generationMaxSeries = DefaultGenerationMaxSeries;
};

// A named group of metrics that can be switched on and off (--[no-]collector.NAME, YAML
// collectors.NAME.enabled). A collector only renders the latest Snapshot; reading the system
// is the monitor's job. Its success and duration are those of the snapshot source it shows.
struct Collector
{
    QString name;
    bool enabledByDefault;
    QString description;
    SourceStatus Snapshot::*status;
    void (*render)(const Snapshot &snapshot, qint64 now, const CollectorOptions &options, Exposition &out);
};

namespace Collectors {
// The registration table, in the order metrics are written.
const QList<Collector> &all();
const Collector *find(const QString &name);
QStringList names();

// One file per collector renders its metrics:
void renderGeneration(const Snapshot &snapshot, qint64 now, const CollectorOptions &options, Exposition &out);
void renderFlake(const Snapshot &snapshot, qint64 now, const CollectorOptions &options, Exposition &out);
void renderStore(const Snapshot &snapshot, qint64 now, const CollectorOptions &options, Exposition &out);
void renderBoot(const Snapshot &snapshot, qint64 now, const CollectorOptions &options, Exposition &out);
void renderUpgrade(const Snapshot &snapshot, qint64 now, const CollectorOptions &options, Exposition &out);
void renderMaintenance(const Snapshot &snapshot, qint64 now, const CollectorOptions &options, Exposition &out);
} // namespace Collectors
