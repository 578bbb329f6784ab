// SPDX-License-Identifier: MIT
#pragma once

#include "collector.h"

#include <QByteArray>
#include <QList>

// The whole /metrics body: each enabled collector's metrics, then the exporter's own
// (collector success and duration, build info, snapshot time).
namespace MetricsRenderer {
QByteArray render(const Snapshot &snapshot, const QList<const Collector *> &collectors, qint64 now,
                  const CollectorOptions &options = {});
} // namespace MetricsRenderer
