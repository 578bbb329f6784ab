// SPDX-License-Identifier: MIT
#include "nixdatabase.h"

#include "systemlayout.h"

#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>

#include <algorithm>
#include <atomic>

namespace {

QString sqlError(const QSqlError &error)
{
    QString text = error.databaseText().isEmpty() ? error.driverText() : error.databaseText();
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    // SQLITE_BUSY: a writer holds the database and did not let go within the busy timeout.
    if (error.nativeErrorCode() == QLatin1String("5"))
        text += QStringLiteral(" (a Nix operation is writing it; gave up after %1 ms, try again "
                               "when it is done)")
                    .arg(NixDatabase::BusyTimeoutMs);
    return text;
}

// SQLITE_READONLY and its extended codes (Qt reports either).
bool isReadOnly(const QSqlError &error)
{
    return (error.nativeErrorCode().toInt() & 0xff) == 8;
}

// The closure of one path: a recursive query over Refs, each path once (UNION).
const QString ClosureQuery = QStringLiteral(
    "WITH RECURSIVE closure(id) AS ("
    " SELECT id FROM ValidPaths WHERE path = :path"
    " UNION SELECT Refs.reference FROM Refs JOIN closure ON Refs.referrer = closure.id)"
    " SELECT ValidPaths.path, ValidPaths.narSize FROM closure"
    " JOIN ValidPaths ON ValidPaths.id = closure.id ORDER BY ValidPaths.path");

} // namespace

// Locking. Nix serialises its own writers with /nix/var/nix/db/big-lock (an flock that
// nix-daemon holds for as long as it runs): we never open that file, so we neither wait for
// nor block Nix. Inside SQLite we are an ordinary reader:
// - READONLY: this connection cannot write or create anything, not even the database when it
//   is missing.
// - not immutable=1 as a rule: that would skip SQLite's locks and ignore the write-ahead log,
//   so a Nix transaction committing while we read could give torn pages ("database disk
//   image is malformed") or figures without the commits still in db.sqlite-wal. Nix changes
//   this file all the time; immutable is only right for a file nobody writes.
// - Nix uses WAL mode (use-sqlite-wal, the default), where readers and writers do not block
//   each other. With a rollback journal a writer can hold the file; then the busy timeout
//   makes us give up after BusyTimeoutMs with "database is locked" instead of hanging.
// - The one exception: a WAL database that nobody has open has no -wal and -shm files, and a
//   reader that may not create them (the exporter as an unprivileged user, /nix/var/nix/db
//   read-only) gets SQLITE_READONLY. No -wal file means every commit is in db.sqlite and no
//   Nix process has the database open, so then (and only then) we read it as immutable: a Nix
//   process that opens it meanwhile writes into a new -wal, not into the pages we read, until
//   a checkpoint at 1000 pages; the next read corrects anything that races with that.
struct NixDatabase::Connection
{
    QString file;      // host path; empty when the database cannot be opened at all
    QString fileError; // why not
    QString name;      // Qt's connection name, unique per object
    bool immutable = false;
    bool opened = false;

    ~Connection()
    {
        if (opened) {
            QSqlDatabase::database(name, false).close();
            QSqlDatabase::removeDatabase(name);
        }
    }

    QSqlDatabase open(QString *error)
    {
        if (opened)
            return QSqlDatabase::database(name, false);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        opened = true;
        if (!db.isValid()) {
            *error = QStringLiteral("the Qt SQLite driver is not installed (Debian: libqt6sql6-sqlite)");
            return db;
        }
        QString options = QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=%1").arg(BusyTimeoutMs);
        if (immutable) {
            db.setDatabaseName(QUrl::fromLocalFile(file).toString(QUrl::FullyEncoded) + QStringLiteral("?immutable=1"));
            options += QStringLiteral(";QSQLITE_OPEN_URI");
        } else {
            db.setDatabaseName(file);
        }
        db.setConnectOptions(options);
        if (!db.open())
            *error = sqlError(db.lastError());
        return db;
    }

    void close()
    {
        if (!opened)
            return;
        QSqlDatabase::database(name, false).close();
        QSqlDatabase::removeDatabase(name);
        opened = false;
    }

    // Runs work(query) (a function of a QSqlQuery that returns false on failure), reopening
    // the database as immutable once when it is an idle WAL database this user cannot read
    // otherwise (see above). Returns an error line, or an empty string.
    template<typename Work> QString run(Work work)
    {
        if (file.isEmpty())
            return fileError;
        for (;;) {
            QString error;
            QSqlError failure;
            {
                QSqlDatabase db = open(&error);
                if (!error.isEmpty()) {
                    close();
                    return QStringLiteral("%1: %2").arg(Path, error);
                }
                QSqlQuery query(db);
                query.setForwardOnly(true);
                if (!work(query))
                    failure = query.lastError();
                query.finish();
            }
            if (!failure.isValid())
                return {};
            if (isReadOnly(failure) && !immutable && !QFileInfo::exists(file + QStringLiteral("-wal"))) {
                close();
                immutable = true;
                continue;
            }
            close();
            if (isReadOnly(failure))
                return QStringLiteral("%1: attempt to write a readonly database (a WAL database whose -shm this "
                                      "user cannot create)")
                    .arg(Path);
            return QStringLiteral("%1: %2").arg(Path, sqlError(failure));
        }
    }
};

NixDatabase::NixDatabase(const SystemLayout &layout) : m_connection(std::make_unique<Connection>())
{
    static std::atomic<quint64> serial = 0;
    m_connection->name = QStringLiteral("nixos-nix-database-%1").arg(++serial);
    QString error;
    const std::optional<QString> resolved = layout.resolve(Path, &error);
    if (!resolved) {
        m_connection->fileError = QStringLiteral("no Nix database: %1").arg(error);
        return;
    }
    const QString file = layout.hostPath(*resolved);
    if (!QFileInfo(file).isFile())
        m_connection->fileError = QStringLiteral("%1: not a file").arg(Path);
    else if (!QFileInfo(file).isReadable())
        m_connection->fileError = QStringLiteral("%1: not readable by this user").arg(Path);
    else
        m_connection->file = file;
}

NixDatabase::~NixDatabase() = default;

std::optional<NixDatabase::Totals> NixDatabase::totals(QString *error)
{
    Totals totals;
    *error = m_connection->run([&](QSqlQuery &query) {
        if (!query.exec(QStringLiteral("SELECT count(*), count(narSize), coalesce(sum(narSize), 0) FROM ValidPaths"))
            || !query.next())
            return false;
        totals.pathCount = query.value(0).toLongLong();
        // Paths registered without a size would make a sum that is too small.
        if (query.value(1).toLongLong() == totals.pathCount)
            totals.sizeBytes = query.value(2).toLongLong();
        return true;
    });
    return error->isEmpty() ? std::optional<Totals>(totals) : std::nullopt;
}

std::optional<StoreClosure> NixDatabase::closure(const QString &storePath, QString *error)
{
    StoreClosure closure;
    closure.storePath = storePath;
    *error = m_connection->run([&](QSqlQuery &query) {
        closure.paths.clear();
        if (!query.prepare(ClosureQuery))
            return false;
        query.bindValue(QStringLiteral(":path"), storePath);
        if (!query.exec())
            return false;
        while (query.next()) {
            const QVariant size = query.value(1);
            closure.paths.append({query.value(0).toString(),
                                  size.isNull() ? std::nullopt : std::optional<qint64>(size.toLongLong())});
        }
        return query.lastError().type() == QSqlError::NoError;
    });
    if (!error->isEmpty())
        return std::nullopt;
    if (closure.paths.isEmpty()) {
        *error = QStringLiteral("%1 is not a valid store path in %2 (garbage-collected, or not built here)")
                     .arg(storePath, Path);
        return std::nullopt;
    }
    return closure;
}
