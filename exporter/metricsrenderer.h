// SPDX-License-Identifier: MIT
#pragma once

#include "collector.h"
#include "httprequestcounter.h"
#include "processmetrics.h"

#include <QByteArray>
#include <QList>

// The whole /metrics body: each enabled collector's metrics, then the exporter's own
// (collector success and duration, build info, snapshot time).
namespace MetricsRenderer {
QByteArray render(const Snapshot &snapshot, const QList<const Collector *> &collectors, qint64 now,
                  const CollectorOptions &options = {});

// The exporter's own metrics that change with every request, appended to the body per scrape
// (the rest is cached): process_* and nixos_exporter_http_requests_total.
QByteArray renderExporter(const ProcessMetrics::Stats &process, const HttpRequestCounter &requests);
} // namespace MetricsRenderer
