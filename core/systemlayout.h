// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

// Where a NixOS system keeps its state, seen from a root directory.
//
// Every read of the core goes through this class. With a root other than "/", absolute
// symlink targets are resolved inside the root (chroot semantics), so a fixture or demo tree
// can hold links such as /run/current-system -> /nix/store/... that point into the tree.
// "System paths" are paths as the NixOS machine sees them; "host paths" are where they are
// on this machine.
class SystemLayout
{
public:
    static inline const QString CurrentSystem = QStringLiteral("/run/current-system");
    static inline const QString BootedSystem = QStringLiteral("/run/booted-system");
    static inline const QString ProfilesDir = QStringLiteral("/nix/var/nix/profiles");
    static inline const QString SystemProfile = QStringLiteral("/nix/var/nix/profiles/system");

    explicit SystemLayout(const QString &root = QStringLiteral("/"));

    QString root() const { return m_root; }
    QString hostPath(const QString &systemPath) const;

    // Follows symlinks in every component of systemPath. On success returns the system path
    // of what it names; otherwise nullopt and *error says which link dangles or loops.
    std::optional<QString> resolve(const QString &systemPath, QString *error = nullptr) const;

    // The target of the link at systemPath as written in it (one hop, not resolved).
    std::optional<QString> linkTarget(const QString &systemPath) const;

    // Reads a (resolved) file of at most maxBytes; larger files are an error, not truncated.
    std::optional<QByteArray> readFile(const QString &systemPath, qint64 maxBytes,
                                       QString *error = nullptr) const;

    // Names in a (resolved) directory, sorted; empty when it is missing or unreadable.
    QStringList listDirectory(const QString &systemPath) const;

    // On a host path, nothing resolved (for callers that resolved a directory once for many
    // links, as the generation scan does): the target written in a link, and the modification
    // time of the path itself, a final symlink not followed (lstat).
    static std::optional<QString> hostLinkTarget(const QByteArray &hostPath);
    static std::optional<qint64> hostLinkMTime(const QByteArray &hostPath);

private:
    std::optional<QByteArray> hostPathOfLink(const QString &systemPath) const;

    QString m_root; // without trailing slash; empty for "/"
};
