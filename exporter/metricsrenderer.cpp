// SPDX-License-Identifier: MIT
#include "metricsrenderer.h"

#include "buildinfo.h"
#include "exposition.h"

namespace MetricsRenderer {

QByteArray render(const Snapshot &snapshot, const QList<const Collector *> &collectors, qint64 now,
                  const CollectorOptions &options)
{
    Exposition out;
    for (const Collector *collector : collectors)
        collector->render(snapshot, now, options, out);

    out.family("nixos_exporter_collector_success",
               "1 if the collector's last read of the system succeeded");
    for (const Collector *collector : collectors)
        out.sample({{"collector", collector->name}}, (snapshot.*collector->status).ok ? 1 : 0);
    out.family("nixos_exporter_collector_duration_seconds",
               "How long the collector's last read of the system took");
    for (const Collector *collector : collectors)
        out.sample({{"collector", collector->name}}, (snapshot.*collector->status).seconds);
    out.family("nixos_exporter_snapshot_timestamp_seconds",
               "When the exporter last read the system");
    out.sample(snapshot.collectedAt / 1000.0);
    out.family("nixos_exporter_build_info",
               "Version, revision and Qt version of nixos-exporter (value 1)");
    out.sample({{"version", QLatin1String(BuildInfo::Version)},
                {"revision", QLatin1String(BuildInfo::Revision)},
                {"qt_version", QLatin1String(qVersion())}},
               1);
    return out.text();
}

QByteArray renderExporter(const ProcessMetrics::Stats &process, const HttpRequestCounter &requests)
{
    Exposition out;
    ProcessMetrics::render(process, out);
    requests.render(out);
    return out.text();
}

} // namespace MetricsRenderer
