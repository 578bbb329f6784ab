// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

// Writes SQLite databases with the schema of Nix's /nix/var/nix/db/db.sqlite (NixOS/nix
// src/libstore/schema.sql: ValidPaths, Refs, DerivationOutputs), for the store collector's
// tests and benchmark. Nothing here uses QtTest, so the benchmark can build it too.
namespace NixStoreDb {
struct Result
{
    qint64 pathCount = 0;
    qint64 sizeBytes = 0; // sum of narSize
    QString error;        // empty on success
};

// Creates hostFile with `paths` valid paths (each referring to its predecessor) and returns
// their exact count and size. wal: journal_mode=WAL as Nix sets it; else a rollback journal.
Result create(const QString &hostFile, qint64 paths, bool wal = true);

// The store path create() gives path number i (1-based); its closure is paths 1 to i.
QString pathOf(qint64 i);

// The narSize the generator gives path number i (1-based): varied, up to ~100 MB.
qint64 narSizeOf(qint64 i);

// Adds `paths` more paths in one transaction (a Nix build registering its outputs).
QString addPaths(const QString &hostFile, qint64 paths);

// Registers one more path (a system, say) that refers to path number `reference` of create(),
// so that its closure is itself and paths 1 to `reference`.
QString addPathReferring(const QString &hostFile, const QString &storePath, qint64 reference);

// The schema as Nix writes it, one statement each.
QStringList schema();
} // namespace NixStoreDb
