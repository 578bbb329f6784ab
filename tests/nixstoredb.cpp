// SPDX-License-Identifier: MIT
#include "nixstoredb.h"

#include <QCryptographicHash>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace NixStoreDb {

QStringList schema()
{
    return {
        QStringLiteral(R"(create table if not exists ValidPaths (
    id               integer primary key autoincrement not null,
    path             text unique not null,
    hash             text not null,
    registrationTime integer not null,
    deriver          text,
    narSize          integer,
    ultimate         integer, -- null implies "false"
    sigs             text, -- space-separated
    ca               text -- if not null, an assertion that the path is content-addressed
))"),
        QStringLiteral(R"(create table if not exists Refs (
    referrer  integer not null,
    reference integer not null,
    primary key (referrer, reference),
    foreign key (referrer) references ValidPaths(id) on delete cascade,
    foreign key (reference) references ValidPaths(id) on delete restrict
))"),
        QStringLiteral("create index if not exists IndexReferrer on Refs(referrer)"),
        QStringLiteral("create index if not exists IndexReference on Refs(reference)"),
        QStringLiteral(R"(create trigger if not exists DeleteSelfRefs before delete on ValidPaths
  begin
    delete from Refs where referrer = old.id and reference = old.id;
  end)"),
        QStringLiteral(R"(create table if not exists DerivationOutputs (
    drv  integer not null,
    id   text not null, -- symbolic output id, usually "out"
    path text not null,
    primary key (drv, id),
    foreign key (drv) references ValidPaths(id) on delete cascade
))"),
        QStringLiteral(
            "create index if not exists IndexDerivationOutputs on DerivationOutputs(path)"),
    };
}

namespace {

// Nix's base-32 alphabet (no e, o, u, t).
QString storeHash(qint64 i, qint64 salt)
{
    static const char alphabet[] = "0123456789abcdfghijklmnpqrsvwxyz";
    const QByteArray digest = QCryptographicHash::hash(
        QByteArray::number(i) + '/' + QByteArray::number(salt), QCryptographicHash::Sha256);
    QString hash;
    for (int k = 0; k < 32; ++k)
        hash.append(QLatin1Char(alphabet[quint8(digest[k]) % 32]));
    return hash;
}

template<typename Work> QString withDatabase(const QString &hostFile, Work work)
{
    const QString connection = QStringLiteral("nixstoredb-") + QUuid::createUuid().toString();
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(hostFile);
        if (!db.open())
            error = db.lastError().text();
        else
            error = work(db);
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return error;
}

QString insert(QSqlDatabase &db, qint64 first, qint64 count, qint64 salt)
{
    if (!db.transaction())
        return db.lastError().text();
    QSqlQuery path(db);
    path.prepare(QStringLiteral("insert into ValidPaths (id, path, hash, registrationTime, "
                                "deriver, narSize, ultimate, sigs, ca) "
                                "values (?, ?, ?, ?, ?, ?, ?, ?, null)"));
    QSqlQuery ref(db);
    ref.prepare(QStringLiteral("insert into Refs (referrer, reference) values (?, ?)"));
    for (qint64 i = first; i < first + count; ++i) {
        const QString hash = storeHash(i, salt);
        path.addBindValue(i);
        path.addBindValue(QStringLiteral("/nix/store/%1-package-%2").arg(hash).arg(i));
        path.addBindValue(QStringLiteral("sha256:%1").arg(hash + hash.left(20)));
        path.addBindValue(1'700'000'000 + i);
        path.addBindValue(
            QStringLiteral("/nix/store/%1-package-%2.drv").arg(storeHash(-i, salt)).arg(i));
        path.addBindValue(narSizeOf(i));
        path.addBindValue(i % 3 == 0 ? 1 : 0);
        path.addBindValue(QStringLiteral("cache.nixos.org-1:%1==").arg(hash));
        if (!path.exec())
            return path.lastError().text();
        if (i > 1) {
            ref.addBindValue(i);
            ref.addBindValue(i - 1);
            if (!ref.exec())
                return ref.lastError().text();
        }
    }
    return db.commit() ? QString() : db.lastError().text();
}

} // namespace

QString pathOf(qint64 i)
{
    return QStringLiteral("/nix/store/%1-package-%2").arg(storeHash(i, 0)).arg(i);
}

qint64 narSizeOf(qint64 i)
{
    return 1024 + (i * 7919) % 100'000'000;
}

Result create(const QString &hostFile, qint64 paths, bool wal)
{
    Result result;
    result.error = withDatabase(hostFile, [&](QSqlDatabase &db) {
        QSqlQuery query(db);
        if (!query.exec(wal ? QStringLiteral("pragma journal_mode = wal")
                            : QStringLiteral("pragma journal_mode = delete")))
            return query.lastError().text();
        for (const QString &statement : schema()) {
            if (!query.exec(statement))
                return QStringLiteral("%1: %2").arg(statement.left(40), query.lastError().text());
        }
        return insert(db, 1, paths, 0);
    });
    result.pathCount = paths;
    for (qint64 i = 1; i <= paths; ++i)
        result.sizeBytes += narSizeOf(i);
    return result;
}

QString addPaths(const QString &hostFile, qint64 paths)
{
    return withDatabase(hostFile, [&](QSqlDatabase &db) {
        QSqlQuery query(db);
        if (!query.exec(QStringLiteral("select coalesce(max(id), 0) from ValidPaths")) ||
            !query.next())
            return query.lastError().text();
        const qint64 next = query.value(0).toLongLong() + 1;
        query.finish();
        return insert(db, next, paths, next);
    });
}

QString addPathReferring(const QString &hostFile, const QString &storePath, qint64 reference)
{
    return withDatabase(hostFile, [&](QSqlDatabase &db) {
        QSqlQuery query(db);
        query.prepare(QStringLiteral("insert into ValidPaths (path, hash, registrationTime, narSize) "
                                     "values (?, 'sha256:0000000000000000000000000000000000000000000000000000', "
                                     "1700000000, 4096)"));
        query.addBindValue(storePath);
        if (!query.exec())
            return query.lastError().text();
        const qint64 id = query.lastInsertId().toLongLong();
        query.prepare(QStringLiteral("insert into Refs (referrer, reference) values (?, ?)"));
        query.addBindValue(id);
        query.addBindValue(reference);
        return query.exec() ? QString() : query.lastError().text();
    });
}

} // namespace NixStoreDb
