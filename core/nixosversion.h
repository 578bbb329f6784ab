// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

// The NixOS label of a system, as in <system>/nixos-version: "24.11.20241201.abcdef0" is
// release 24.11 built from the nixpkgs commit abcdef0 of 2024-12-01. Channel builds of old
// releases use a revision count instead of a date ("20.09.1234.abcdef0"); then the date is
// unknown. Anything after the revision (e.g. "24.11.20241201.abcdef0-dirty" or a custom
// label suffix) is kept in the label but not interpreted.
struct NixosVersion
{
    QString label;                       // the whole text, trimmed; empty if unreadable
    QString release;                     // "24.11"; empty if the label is not recognised
    std::optional<qint64> nixpkgsDate;   // commit date, 00:00 UTC, seconds since the epoch
    QString nixpkgsRevision;             // short revision; empty if absent

    static NixosVersion parse(const QString &label);
    bool operator==(const NixosVersion &) const = default;
};
