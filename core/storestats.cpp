// SPDX-License-Identifier: MIT
#include "storestats.h"

#include "systemlayout.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>

namespace StoreStatsReader {
namespace {

const QString StoreDir = QStringLiteral("/nix/store/");
const QString ProfilesDir = QStringLiteral("/nix/var/nix/profiles");
constexpr int MaxDepth = 16;
constexpr qsizetype MaxEntries = 1'000'000;

QString sqlError(const QSqlError &error)
{
    QString text = error.databaseText().isEmpty() ? error.driverText() : error.databaseText();
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    // SQLITE_BUSY: a writer holds the database and did not let go within the busy timeout.
    if (error.nativeErrorCode() == QLatin1String("5"))
        text += QStringLiteral(" (a Nix operation is writing it; gave up after %1 ms, will retry "
                               "at the next refresh)")
                    .arg(BusyTimeoutMs);
    return text;
}

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

// What query() returns for SQLITE_READONLY, so read() can tell that case from others.
const QString ReadOnlyWal = QStringLiteral("<readonly>");

// One read of the figures through a connection of this thread's own (the monitor reads on its
// scan thread, start() on the main one), opened for this read and removed after it.
QString query(const QString &file, bool immutable, StoreStats &stats)
{
    const QString connection = QStringLiteral("nixos-store-stats-%1")
                                   .arg(reinterpret_cast<quintptr>(QThread::currentThreadId()));
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        if (!db.isValid()) {
            error =
                QStringLiteral("the Qt SQLite driver is not installed (Debian: libqt6sql6-sqlite)");
        } else {
            QString options =
                QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=%1").arg(BusyTimeoutMs);
            if (immutable) {
                db.setDatabaseName(QUrl::fromLocalFile(file).toString(QUrl::FullyEncoded) +
                                   QStringLiteral("?immutable=1"));
                options += QStringLiteral(";QSQLITE_OPEN_URI");
            } else {
                db.setDatabaseName(file);
            }
            db.setConnectOptions(options);
            QSqlError failure;
            if (!db.open()) {
                failure = db.lastError();
            } else {
                QSqlQuery query(db);
                query.setForwardOnly(true);
                if (!query.exec(QStringLiteral("SELECT count(*), count(narSize), "
                                               "coalesce(sum(narSize), 0) FROM ValidPaths")) ||
                    !query.next()) {
                    failure = query.lastError();
                } else {
                    stats.pathCount = query.value(0).toLongLong();
                    // Paths registered without a size would make a sum that is too small.
                    if (query.value(1).toLongLong() == *stats.pathCount)
                        stats.sizeBytes = query.value(2).toLongLong();
                }
                query.finish();
            }
            if (failure.isValid())
                // SQLITE_READONLY and its extended codes (Qt reports either).
                error = (failure.nativeErrorCode().toInt() & 0xff) == 8 ? ReadOnlyWal
                                                                        : sqlError(failure);
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return error;
}

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
    const std::optional<QString> resolved = layout.resolve(DatabasePath, &error);
    if (!resolved)
        return QStringLiteral("no Nix database: %1").arg(error);
    const QString file = layout.hostPath(*resolved);
    if (!QFileInfo(file).isFile())
        return QStringLiteral("%1: not a file").arg(DatabasePath);
    if (!QFileInfo(file).isReadable())
        return QStringLiteral("%1: not readable by this user").arg(DatabasePath);

    // Locking. Nix serialises its own writers with /nix/var/nix/db/big-lock (an flock that
    // nix-daemon holds for as long as it runs): we never open that file, so we neither wait
    // for nor block Nix. Inside SQLite we are an ordinary reader:
    // - READONLY: this connection cannot write or create anything, not even the database
    //   when it is missing.
    // - not immutable=1 as a rule: that would skip SQLite's locks and ignore the write-ahead
    //   log, so a Nix transaction committing while we read could give torn pages ("database
    //   disk image is malformed") or figures without the commits still in db.sqlite-wal.
    //   Nix changes this file all the time; immutable is only right for a file nobody writes.
    // - Nix uses WAL mode (use-sqlite-wal, the default), where readers and writers do not
    //   block each other. With a rollback journal a writer can hold the file; then the busy
    //   timeout makes us give up after BusyTimeoutMs with "database is locked" instead of
    //   hanging the scan thread.
    // - The one exception: a WAL database that nobody has open has no -wal and -shm files,
    //   and a reader that may not create them (the exporter as an unprivileged user,
    //   /nix/var/nix/db read-only) gets SQLITE_READONLY. No -wal file means every commit is
    //   in db.sqlite and no Nix process has the database open, so then (and only then) we
    //   read it as immutable: a Nix process that opens it meanwhile writes into a new -wal,
    //   not into the pages we read, until a checkpoint at 1000 pages; the next refresh
    //   corrects anything that races with that.
    error = query(file, false, stats);
    if (error == ReadOnlyWal && !QFileInfo::exists(file + QStringLiteral("-wal")))
        error = query(file, true, stats);
    if (error == ReadOnlyWal)
        error = QStringLiteral("attempt to write a readonly database (a WAL database whose -shm "
                               "this user cannot create)");
    if (!error.isEmpty()) {
        stats = {};
        return QStringLiteral("%1: %2").arg(DatabasePath, error);
    }
    stats.gcRoots = countGcRoots(layout);
    return {};
}

} // namespace StoreStatsReader
