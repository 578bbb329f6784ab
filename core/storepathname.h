// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringView>

// Names of store paths the way Nix itself reads them.
namespace StorePathName {

// "/nix/store/<hash>-linux-6.12.47/bzImage" → "linux-6.12.47": the first component below the
// store directory without its hash. Anything that is not such a path is returned unchanged.
QString of(QStringView path);

// A package name and version, as builtins.parseDrvName splits them.
struct DrvName
{
    QString name;     // "linux"
    QString version;  // "6.12.47"; empty when the name has none
    bool operator==(const DrvName &) const = default;
};

// Nix's rule: the version starts after the first '-' that is followed by a character that is
// not an ASCII letter ("hello-2.12.1" → hello, 2.12.1; "python3-pyyaml-6.0" → python3-pyyaml,
// 6.0; "foo-bar" → foo-bar with no version).
DrvName parseDrvName(QStringView name);

// The package a store path name belongs to, grouped as `nix store diff-closures` groups them:
// a last "-<lower-case letters>" (an output: "-man", "-dev", "-bin") or "-lib32"/"-lib64" is
// cut off first, then parseDrvName ("systemd-257.8-man" → systemd, 257.8). As in Nix this
// also cuts a version suffix spelled in letters ("foo-unstable" → foo).
DrvName packageOf(QStringView name);

// Nix's compareVersions (builtins.compareVersions): components split at '.' and '-' and
// between digits and other characters, numbers compared as numbers, "pre" before anything,
// a missing component before a number ("1.2" < "1.2.1"). Negative, 0 or positive.
int compareVersions(QStringView a, QStringView b);

} // namespace StorePathName
