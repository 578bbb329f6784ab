// SPDX-License-Identifier: MIT
#include "storepathname.h"

namespace StorePathName {

QString of(QStringView path)
{
    constexpr QStringView store = u"/nix/store/";
    // A store path's hash is 32 base-32 characters followed by '-'.
    constexpr qsizetype hashLength = 32;
    if (!path.startsWith(store) || path.size() <= store.size() + hashLength
        || path.at(store.size() + hashLength) != u'-')
        return path.toString();
    QStringView rest = path.sliced(store.size() + hashLength + 1);
    const qsizetype slash = rest.indexOf(u'/');
    return (slash < 0 ? rest : rest.first(slash)).toString();
}

DrvName parseDrvName(QStringView name)
{
    for (qsizetype i = 0; i + 1 < name.size(); ++i) {
        const QChar next = name.at(i + 1);
        const bool asciiLetter = (next >= u'a' && next <= u'z') || (next >= u'A' && next <= u'Z');
        if (name.at(i) == u'-' && !asciiLetter)
            return {name.first(i).toString(), name.sliced(i + 1).toString()};
    }
    return {name.toString(), QString()};
}

} // namespace StorePathName
