// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// The file (device and inode) a host path names. The same path naming another FileId is
// another file: deleted and made again, or replaced by a rename.
struct FileId
{
    quint64 device = 0;
    quint64 inode = 0;

    // What hostPath names, links followed; FileId() when it cannot be stat'ed.
    static FileId of(const QString &hostPath);
    bool operator==(const FileId &) const = default;
};
