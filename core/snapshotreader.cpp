// SPDX-License-Identifier: MIT
#include "snapshotreader.h"

#include "bootstate.h"
#include "flakelocklocator.h"
#include "nixdatabase.h"
#include "storestats.h"
#include "systemlayout.h"

#include <QDateTime>
#include <QElapsedTimer>

namespace SnapshotReader {
namespace {

// Runs one source and records how it went; a source reports failure by returning an error.
template<typename Read>
SourceStatus timed(Read read)
{
    QElapsedTimer timer;
    timer.start();
    SourceStatus status;
    status.enabled = true;
    status.error = read();
    status.ok = status.error.isEmpty();
    status.seconds = timer.nsecsElapsed() / 1e9;
    return status;
}

QString readFlake(const SystemLayout &layout, const ReadOptions &options, FlakeState &state,
                  std::optional<Cache::Lock> &kept)
{
    state.lockPath = FlakeLockLocator::locate(layout, options.lockPath);
    if (state.lockPath.isEmpty())
        return QStringLiteral("no flake.lock found (looked for %1); set the lock path")
            .arg(FlakeLockLocator::candidates().join(QStringLiteral(", ")));
    QString error;
    const std::optional<QByteArray> data = layout.readFile(state.lockPath, MaxLockBytes, &error);
    if (!data)
        return error;
    if (!kept || kept->bytes != *data) {
        std::optional<FlakeLock> lock = FlakeLock::parse(*data, &error);
        if (!lock)
            return QStringLiteral("%1: %2").arg(state.lockPath, error);
        kept = Cache::Lock{*data, std::move(*lock)};
    }
    state.lock = kept->lock;
    const QStringList releases = options.supportedReleases.isEmpty()
                                     ? FlakeHealth::supportedReleases(QDateTime::currentSecsSinceEpoch())
                                     : options.supportedReleases;
    state.nixpkgs = FlakeHealth::nixpkgsInputs(state.lock, releases);
    return {};
}

std::optional<SystemDiff> readRebootChanges(const SystemLayout &layout, const GenerationState &state,
                                            const ReadOptions &options, std::optional<Cache::RebootChanges> &kept)
{
    if (!state.bootedSystem || !state.currentSystem)
        return std::nullopt;
    const QString booted = state.bootedSystem->storePath, current = state.currentSystem->storePath;
    if (!kept || kept->booted != booted || kept->current != current || (!kept->diff && options.retryRebootChanges)) {
        NixDatabase database(layout);
        QString error;
        kept = Cache::RebootChanges{booted, current,
                                    SystemDiff::read(database, SystemDiff::Side::of(QStringLiteral("booted"), booted),
                                                     SystemDiff::Side::of(QStringLiteral("current"), current), &error)};
    }
    // The same store paths can become other generations (a rollback's new link).
    std::optional<SystemDiff> diff = kept->diff;
    if (diff) {
        diff->from.generation = state.bootedGeneration;
        diff->to.generation = state.currentGeneration;
    }
    return diff;
}

} // namespace

Snapshot read(const SystemLayout &layout, const ReadOptions &options)
{
    Cache none;
    return read(layout, options, none);
}

Snapshot read(const SystemLayout &layout, const ReadOptions &options, Cache &cache)
{
    const QMutexLocker locked(&cache.mutex);
    Snapshot snapshot;
    snapshot.generationStatus = timed([&] {
        snapshot.generations = GenerationScanner::scan(layout, cache.generations);
        // Without a running system there is nothing to report on; anything less (no booted
        // system, a dangling old generation) is reported in problems but is no failure.
        if (snapshot.generations.currentSystem)
            return QString();
        const QString prefix = SystemLayout::CurrentSystem + QLatin1Char(':');
        for (const QString &problem : std::as_const(snapshot.generations.problems)) {
            if (problem.startsWith(prefix))
                return problem;
        }
        return QString(prefix + QStringLiteral(" unreadable"));
    });
    const bool skipFlake = options.lockOptional && FlakeLockLocator::locate(layout, options.lockPath).isEmpty();
    if (options.flake && !skipFlake)
        snapshot.flakeStatus = timed([&] { return readFlake(layout, options, snapshot.flake, cache.lock); });
    if (options.store)
        snapshot.storeStatus = timed([&] { return StoreStatsReader::read(layout, snapshot.store); });
    if (options.rebootChanges)
        snapshot.rebootChanges = readRebootChanges(layout, snapshot.generations, options, cache.reboot);
    if (options.boot)
        snapshot.bootStatus = timed([&] { return BootReader::read(layout, snapshot.generations, snapshot.boot); });
    snapshot.collectedAt = QDateTime::currentMSecsSinceEpoch();
    return snapshot;
}

} // namespace SnapshotReader
