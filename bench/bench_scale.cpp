// SPDX-License-Identifier: MIT
// Times the two costs of the exporter on a tree: a full read of the system
// (SnapshotReader::read, what StatusMonitor does on every change) and one /metrics render
// (MetricsRenderer::render, what every scrape does), with all collectors on.
//
//   bench_scale ROOT [--reads N] [--renders N] [--gzip]
//
// Prints one line per measurement: name, count, min/median/max in microseconds, body size.
// With --renders N it also compares the first and the last tenth of the renders, so a cost
// that grows with the number of scrapes shows (and callgrind can count instructions of a
// run with --reads 1 --renders N for different N). Then the part of a scrape that is not cached:
// the exporter's own metrics (process_* read from /proc/self, the request counter), rendered
// and, with --gzip, compressed after the cached body's gzip prefix.
#include "collector.h"
#include "gzip.h"
#include "httprequestcounter.h"
#include "metricsrenderer.h"
#include "samples.h"
#include "snapshotreader.h"
#include "systemlayout.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QTextStream>

#include <algorithm>
#include <vector>

namespace {

void print(QTextStream &out, const char *name, const std::vector<double> &us, qsizetype bytes)
{
    Samples::of(us).print(out, name, "us", 0, QStringLiteral(" bytes=%1").arg(bytes));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    QTextStream out(stdout);
    if (args.isEmpty()) {
        out << "usage: bench_scale ROOT [--reads N] [--renders N] [--gzip]\n";
        return 2;
    }
    const QString root = args.takeFirst();
    int reads = 5, renders = 100;
    bool gzip = false;
    while (!args.isEmpty()) {
        const QString a = args.takeFirst();
        if (a == QLatin1String("--reads") && !args.isEmpty())
            reads = std::max(1, args.takeFirst().toInt());
        else if (a == QLatin1String("--renders") && !args.isEmpty())
            renders = std::max(0, args.takeFirst().toInt());
        else if (a == QLatin1String("--gzip"))
            gzip = true;
        else {
            out << "bench_scale: unknown argument " << a << '\n';
            return 2;
        }
    }

    const SystemLayout layout(root);
    ReadOptions options;
    options.flake = true;

    std::vector<double> readUs;
    Snapshot snapshot;
    QElapsedTimer timer;
    for (int i = 0; i < reads; ++i) {
        timer.start();
        snapshot = SnapshotReader::read(layout, options);
        readUs.push_back(timer.nsecsElapsed() / 1000.0);
    }
    out << "generations=" << snapshot.generations.generations.size()
        << " flake_inputs=" << snapshot.flake.lock.inputs.size()
        << " generation_ok=" << snapshot.generationStatus.ok << " flake_ok=" << snapshot.flakeStatus.ok
        << Qt::endl;
    print(out, "read", readUs, 0);

    if (renders == 0)
        return 0;
    QList<const Collector *> collectors;
    for (const Collector &collector : Collectors::all())
        collectors.append(&collector);
    std::vector<double> renderUs;
    qsizetype bytes = 0;
    for (int i = 0; i < renders; ++i) {
        timer.start();
        QByteArray body = MetricsRenderer::render(snapshot, collectors, QDateTime::currentSecsSinceEpoch());
        if (gzip)
            body = Gzip::compress(body);
        renderUs.push_back(timer.nsecsElapsed() / 1000.0);
        bytes = body.size();
    }
    print(out, gzip ? "render+gzip" : "render", renderUs, bytes);
    if (renders >= 20) {
        const auto tenth = std::ptrdiff_t(renders / 10);
        print(out, "  first_tenth", std::vector<double>(renderUs.begin(), renderUs.begin() + tenth), bytes);
        print(out, "  last_tenth", std::vector<double>(renderUs.end() - tenth, renderUs.end()), bytes);
    }

    const QByteArray body = MetricsRenderer::render(snapshot, collectors, QDateTime::currentSecsSinceEpoch());
    const Gzip::Prefix prefix = Gzip::compressPrefix(body);
    HttpRequestCounter requests({QStringLiteral("/metrics"), QStringLiteral("/status"), QStringLiteral("/")});
    requests.count(QStringLiteral("other"), 404);
    std::vector<double> exporterUs;
    for (int i = 0; i < renders; ++i) {
        timer.start();
        QByteArray tail = MetricsRenderer::renderExporter(ProcessMetrics::read(), requests);
        const QByteArray whole = gzip ? Gzip::finish(prefix, tail) : body + tail;
        exporterUs.push_back(timer.nsecsElapsed() / 1000.0);
        bytes = whole.size();
        requests.count(QStringLiteral("/metrics"), 200);
    }
    print(out, gzip ? "exporter_metrics+gzip_tail" : "exporter_metrics", exporterUs, bytes);
    return 0;
}
