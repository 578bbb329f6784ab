// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

// One direct input of the root flake, with what its lock pins.
struct FlakeInput
{
    QString name;      // the input's name in the root flake ("nixpkgs")
    QString node;      // key of the lock node it resolves to ("nixpkgs_2"), after follows
    QString type;      // locked.type: github, gitlab, sourcehut, git, tarball, file, path, indirect
    QString owner;     // github/gitlab/sourcehut owner; empty otherwise
    QString repo;      // github/gitlab/sourcehut repository; empty otherwise
    QString ref;       // original.ref (the branch the user follows), else locked.ref; empty if none
    QString rev;       // locked.rev; empty for types that have none (tarball, file, path)
    QString url;       // locked.url (git, tarball, file, unknown types), locked.path (path),
                       // the flake id (indirect); empty for github, gitlab, sourcehut
    std::optional<qint64> lastModified;  // locked.lastModified, seconds since the epoch
    bool isFlake = true;                 // false for `flake = false` inputs
    bool operator==(const FlakeInput &) const = default;
};

// A parsed flake.lock (versions 5 to 7).
struct FlakeLock
{
    int version = 0;
    QList<FlakeInput> inputs;  // direct inputs of the root node, sorted by name

    // Parses a whole lock file. On failure returns nullopt and sets *error to one line
    // that says what is wrong ("input \"foo\" follows a cycle: a -> b -> a").
    static std::optional<FlakeLock> parse(const QByteArray &json, QString *error);
    bool operator==(const FlakeLock &) const = default;
};
