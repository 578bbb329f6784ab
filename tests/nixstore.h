// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <optional>

// Writes a real Nix store with Nix itself below a root (a FixtureTree's, say): nix-build
// builds NixOS-like systems from tests/data/nixstore/system.nix into the store
// `local?root=ROOT` (ROOT/nix/store, ROOT/nix/var/nix/db/db.sqlite, as /nix is on a machine),
// and nix-env makes real generation links (ROOT/nix/var/nix/profiles/system-N-link). No
// nixpkgs, no network, no daemon, nothing outside the root and a private HOME. Nix builds in
// a store below another root only in its sandbox; the builders are the host's sh, mkdir and
// ln, found on PATH and bound into it with the library directories. Nothing here uses QtTest,
// so the benchmark builds it too.
class NixStore
{
public:
    struct Package
    {
        QString name;        // "systemd"
        QString version;     // "256.8"; empty for none
        QStringList outputs; // empty: a text file (no build); else built, e.g. {"out", "man"}
    };
    struct System
    {
        QString hostName = QStringLiteral("host");
        QString label = QStringLiteral("24.11.20241201.abcdef0"); // <system>/nixos-version
        QString kernelVersion = QStringLiteral("6.6.58");         // also the package linux
        QStringList specialisations;
        QList<Package> packages;
    };

    // The programs this needs, by the name they have on PATH: nix-build, nix-env, nix, sh,
    // mkdir, ln. missingTool() names the first one that is not there, or is empty.
    static QString missingTool();

    explicit NixStore(const QString &root);

    // Builds a system; its store path ("/nix/store/...", inside the root), or nullopt with
    // error() saying why (Nix's own last lines).
    std::optional<QString> build(const System &system);
    // `nix-env -p /nix/var/nix/profiles/system --set STOREPATH`: the next generation, made the
    // default; its link's time is now (FixtureTree::setLinkMTime moves it).
    bool setSystemProfile(const QString &storePath);
    // `nix store diff-closures BEFORE AFTER`, its lines with a version change parsed:
    // package name → {versions before, versions after} ("" for diff-closures' ε).
    std::optional<QMap<QString, QPair<QStringList, QStringList>>> diffClosures(const QString &before,
                                                                            const QString &after);
    QString error() const { return m_error; }
    // The last build failed only because the kernel gives Nix no sandbox here (no user
    // namespaces, as in some containers and chroots): a limit of the machine, not of the code.
    bool sandboxUnavailable() const
    {
        return m_error.contains(QLatin1String("cannot perform a sandboxed build"));
    }
    QString storeUri() const;
    // The options every Nix command here gets: no sandbox settings of the host, no build users
    // (we may not be root), no substituters.
    QStringList options() const;

    // A system of `packages` packages (2,000 for the tests) at `step`, 0 the base. Each step
    // upgrades every 20th package, the kernel (linux 6.6.(58 + step)) and the system's label;
    // step 1 also upgrades systemd and firefox, downgrades 3 packages, removes 11 and adds 11.
    // systemd (out, man, dev) and openssl (bin, out, dev) are built with several outputs.
    static System sample(int packages, int step);

private:
    bool run(const QString &program, const QStringList &arguments, QString *out = nullptr);

    QString m_root;
    QTemporaryDir m_home; // HOME, XDG and NIX_CONF_DIR: the host's Nix settings stay out
    QProcessEnvironment m_environment;
    QString m_error;
};
