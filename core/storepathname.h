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

} // namespace StorePathName
