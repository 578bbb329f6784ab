// SPDX-License-Identifier: MIT
#pragma once

#include "systemclosure.h"

// One numbered system generation, /nix/var/nix/profiles/system-<number>-link.
struct Generation
{
    int number = 0;
    qint64 created = 0;     // mtime of the link itself (lstat), seconds since the epoch
    SystemClosure system;   // system.storePath is empty when the link dangles
    bool operator==(const Generation &) const = default;
};
