// SPDX-License-Identifier: MIT
#pragma once

#include "snapshot.h"

#include <QList>
#include <QString>

class Exposition;

// A named group of metrics that can be switched on and off (--[no-]collector.NAME, YAML
// collectors.NAME.enabled). A collector only renders the latest Snapshot; reading the system
// is the monitor's job. Its success and duration are those of the snapshot source it shows.
struct Collector
{
    QString name;
    bool enabledByDefault;
    QString description;
    SourceStatus Snapshot::*status;
    void (*render)(const Snapshot &snapshot, qint64 now, Exposition &out);
};

namespace Collectors {
// The registration table, in the order metrics are written.
const QList<Collector> &all();
const Collector *find(const QString &name);
QStringList names();

// One file per collector renders its metrics:
void renderGeneration(const Snapshot &snapshot, qint64 now, Exposition &out);
void renderFlake(const Snapshot &snapshot, qint64 now, Exposition &out);
void renderStore(const Snapshot &snapshot, qint64 now, Exposition &out);
void renderUpgrade(const Snapshot &snapshot, qint64 now, Exposition &out);
} // namespace Collectors
