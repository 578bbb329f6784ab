// SPDX-License-Identifier: MIT
#include "fileid.h"

#include <QFile>

#include <sys/stat.h>

FileId FileId::of(const QString &hostPath)
{
    struct stat info;
    if (::stat(QFile::encodeName(hostPath).constData(), &info) != 0)
        return {};
    return {quint64(info.st_dev), quint64(info.st_ino)};
}
