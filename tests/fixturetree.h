// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>

// Builds a NixOS-like tree (store, profiles, /run links) in a temporary directory, for
// SystemLayout(root()). Links are absolute system paths, as on a real machine; the layout
// resolves them inside the tree.
class FixtureTree
{
public:
    struct SystemSpec
    {
        QString name;                      // makes the store path unique and readable
        QString label = QStringLiteral("24.11.20241201.abcdef0");
        QString kernelVersion = QStringLiteral("6.6.1");
        QString systemdVersion = QStringLiteral("256.8");
        QString initInterfaceVersion = QStringLiteral("systemd 2");
    };

    FixtureTree();
    QString root() const { return m_dir.path(); }
    QString hostPath(const QString &systemPath) const;

    // Creates a system closure with its kernel, initrd, modules and systemd; returns its
    // store path. Systems with equal kernel versions share the kernel store paths.
    QString addSystem(const SystemSpec &spec);
    // nix/var/nix/profiles/system-N-link -> storePath, with the link's mtime set to created.
    void addGeneration(int number, const QString &storePath, qint64 created);
    void setDefaultGeneration(int number);
    void setCurrentSystem(const QString &target);
    void setBootedSystem(const QString &target);

    void writeFile(const QString &systemPath, const QByteArray &contents);
    // Replaces whatever is at linkPath, atomically (as nixos-rebuild does) by rename.
    void symlink(const QString &linkPath, const QString &target);
    void setLinkMTime(const QString &systemPath, qint64 seconds);

private:
    QTemporaryDir m_dir;
};
