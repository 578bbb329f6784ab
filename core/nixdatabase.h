// SPDX-License-Identifier: MIT
#pragma once

#include "storeclosure.h"
#include "storestats.h"

#include <QString>

#include <memory>
#include <optional>

class SystemLayout;

// Nix's database, /nix/var/nix/db/db.sqlite, read-only: the one place with SQL on it (store
// figures, closures). Opened on the first query and closed with the object; use an object on
// one thread only, and keep it no longer than a scan (a reader in a rollback-journal database
// keeps Nix's writers waiting while a query runs).
//
// How it is opened (why in nixdatabase.cpp): read-only, never Nix's big-lock, a busy timeout
// of BusyTimeoutMs, and immutable only for a WAL database nobody has open.
class NixDatabase
{
public:
    // Where the database is and how long a query waits for a writer that holds it (rollback
    // journal) before it gives up, so that a read fails fast instead of hanging behind a
    // long nix-store operation: StoreStatsReader's, which every part includes already.
    static inline const QString &Path = StoreStatsReader::DatabasePath;
    static constexpr int BusyTimeoutMs = StoreStatsReader::BusyTimeoutMs;

    struct Totals
    {
        qint64 pathCount = 0;            // rows of ValidPaths
        std::optional<qint64> sizeBytes; // sum of narSize; unknown if a path has no size
    };

    explicit NixDatabase(const SystemLayout &layout);
    ~NixDatabase();
    NixDatabase(const NixDatabase &) = delete;
    NixDatabase &operator=(const NixDatabase &) = delete;

    // Each query returns nullopt on failure and sets *error to one line: "no Nix database:
    // ...", "/nix/var/nix/db/db.sqlite: database is locked (...)", and so on.
    std::optional<Totals> totals(QString *error);
    // storePath: a top-level store path ("/nix/store/<hash>-<name>", no subpath). A path the
    // database does not hold is an error ("... is not a valid store path ...").
    std::optional<StoreClosure> closure(const QString &storePath, QString *error);

private:
    struct Connection;
    std::unique_ptr<Connection> m_connection;
};
