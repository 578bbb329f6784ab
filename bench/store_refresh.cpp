// SPDX-License-Identifier: MIT
// Times one refresh of the store collector (StoreStatsReader::read: open the Nix database
// read-only, count and sum ValidPaths, count GC roots) on a generated database with the real
// Nix schema, and the GC root count alone.
//
//   store_refresh [--paths N] [--roots N] [--runs N] [--wal|--no-wal] [--cold]
//
// Defaults: 100,000 paths, 1,000 indirect GC roots (gcroots/auto) plus 100 profile links,
// 21 runs. Prints min/median/max in milliseconds. --cold empties the page cache before each
// refresh (root only: writes /proc/sys/vm/drop_caches), as after a reboot or memory pressure.
#include "nixstoredb.h"
#include "samples.h"
#include "storestats.h"
#include "systemlayout.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <vector>

#include <unistd.h>

namespace {

void link(const QString &host, const QString &target)
{
    QDir().mkpath(QFileInfo(host).path());
    ::symlink(QFile::encodeName(target).constData(), QFile::encodeName(host).constData());
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    QTextStream out(stdout);
    qint64 paths = 100'000;
    int roots = 1000, runs = 21;
    bool wal = true, cold = false;
    while (!args.isEmpty()) {
        const QString arg = args.takeFirst();
        if (arg == QLatin1String("--paths") && !args.isEmpty())
            paths = args.takeFirst().toLongLong();
        else if (arg == QLatin1String("--roots") && !args.isEmpty())
            roots = args.takeFirst().toInt();
        else if (arg == QLatin1String("--runs") && !args.isEmpty())
            runs = std::max(1, args.takeFirst().toInt());
        else if (arg == QLatin1String("--wal") || arg == QLatin1String("--no-wal"))
            wal = arg == QLatin1String("--wal");
        else if (arg == QLatin1String("--cold"))
            cold = true;
        else {
            out << "usage: store_refresh [--paths N] [--roots N] [--runs N] [--wal|--no-wal] "
                   "[--cold]\n";
            return 2;
        }
    }

    QTemporaryDir dir;
    const QString root = dir.path();
    QDir().mkpath(root + QStringLiteral("/nix/var/nix/db"));
    QElapsedTimer timer;
    timer.start();
    const NixStoreDb::Result db =
        NixStoreDb::create(root + StoreStatsReader::DatabasePath, paths, wal);
    if (!db.error.isEmpty()) {
        out << "cannot create the database: " << db.error << Qt::endl;
        return 1;
    }
    out << "database paths=" << paths
        << " bytes=" << QFileInfo(root + StoreStatsReader::DatabasePath).size()
        << " journal=" << (wal ? "wal" : "delete") << " created_ms=" << timer.elapsed() << Qt::endl;
    QDir().mkpath(root + StoreStatsReader::GcRootsDir);
    const QString store = QStringLiteral("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-");
    for (int i = 0; i < roots; ++i) {
        const QString result = QStringLiteral("/home/user/project-%1/result").arg(i);
        link(root + result, store + QString::number(i));
        link(root + QStringLiteral("/nix/var/nix/gcroots/auto/%1").arg(i), result);
    }
    for (int i = 1; i <= 100; ++i)
        link(root + QStringLiteral("/nix/var/nix/profiles/system-%1-link").arg(i),
             store + QStringLiteral("system-%1").arg(i));

    const SystemLayout layout(root);
    std::vector<double> refresh, gcRoots;
    StoreStats stats;
    for (int i = 0; i < runs; ++i) {
        if (cold) {
            ::sync();
            QFile drop(QStringLiteral("/proc/sys/vm/drop_caches"));
            if (!drop.open(QIODevice::WriteOnly) || drop.write("3\n") != 2) {
                out << "--cold: cannot write /proc/sys/vm/drop_caches (root only)" << Qt::endl;
                return 1;
            }
        }
        timer.restart();
        const QString error = StoreStatsReader::read(layout, stats);
        refresh.push_back(timer.nsecsElapsed() / 1e6);
        if (!error.isEmpty()) {
            out << "refresh failed: " << error << Qt::endl;
            return 1;
        }
        timer.restart();
        StoreStatsReader::countGcRoots(layout);
        gcRoots.push_back(timer.nsecsElapsed() / 1e6);
    }
    if (stats.pathCount != paths || stats.sizeBytes != db.sizeBytes ||
        stats.gcRoots != roots + 100) {
        out << "wrong figures: paths=" << stats.pathCount.value_or(-1)
            << " bytes=" << stats.sizeBytes.value_or(-1) << " roots=" << stats.gcRoots.value_or(-1)
            << Qt::endl;
        return 1;
    }
    Samples::of(refresh).print(out, "store_refresh", "ms", 2);
    Samples::of(gcRoots).print(out, "gc_roots_only", "ms", 2);
    return 0;
}
