// SPDX-License-Identifier: MIT
#include "storestats.h"

#include "nixdatabase.h"
#include "systemlayout.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

namespace StoreStatsReader {
namespace {

const QString StoreDir = QStringLiteral("/nix/store/");
const QString ProfilesDir = QStringLiteral("/nix/var/nix/profiles");
constexpr int MaxDepth = 16;
constexpr qsizetype MaxEntries = 1'000'000;

// Mirrors Nix's LocalStore::findRoots: a link into the store is a root; a link elsewhere is an
// indirect root if it names a link into the store (that link is the root); a regular file's
// name is a store path's.
struct RootFinder
{
    const SystemLayout &layout;
    QSet<QString> roots;
    qsizetype visited = 0;

    void find(const QString &path, int depth)
    {
        if (depth > MaxDepth || ++visited > MaxEntries)
            return;
        if (const std::optional<QString> target = layout.linkTarget(path)) {
            if (target->startsWith(StoreDir)) {
                roots.insert(path);
                return;
            }
            const QString indirect =
                QDir::cleanPath(target->startsWith(QLatin1Char('/'))
                                    ? *target
                                    : QFileInfo(path).path() + QLatin1Char('/') + *target);
            if (const std::optional<QString> second = layout.linkTarget(indirect);
                second && second->startsWith(StoreDir))
                roots.insert(indirect);
            return;
        }
        const std::optional<QString> resolved = layout.resolve(path);
        if (!resolved)
            return;
        const QFileInfo info(layout.hostPath(*resolved));
        if (info.isDir()) {
            for (const QString &name : layout.listDirectory(path))
                find(path + QLatin1Char('/') + name, depth + 1);
        } else if (info.isFile()) {
            roots.insert(path);
        }
    }
};

} // namespace

std::optional<qint64> countGcRoots(const SystemLayout &layout)
{
    if (!layout.resolve(GcRootsDir))
        return std::nullopt;
    RootFinder finder{layout, {}};
    finder.find(GcRootsDir, 0);
    finder.find(ProfilesDir, 0);
    return finder.roots.size();
}

QString read(const SystemLayout &layout, StoreStats &stats)
{
    stats = {};
    QString error;
    const std::optional<NixDatabase::Totals> totals = NixDatabase(layout).totals(&error);
    if (!totals)
        return error;
    stats.pathCount = totals->pathCount;
    stats.sizeBytes = totals->sizeBytes;
    stats.gcRoots = countGcRoots(layout);
    return {};
}

} // namespace StoreStatsReader
