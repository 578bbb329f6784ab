// SPDX-License-Identifier: MIT
#include "storepathname.h"

#include <algorithm>
#include <optional>

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

DrvName packageOf(QStringView name)
{
    // Nix: std::regex_match with "(.*)-([a-z]+|lib32|lib64)"; an output never holds a '-', so
    // only the last one can start it.
    const qsizetype dash = name.lastIndexOf(u'-');
    if (dash >= 0) {
        const QStringView suffix = name.sliced(dash + 1);
        const bool letters = !suffix.isEmpty() && std::all_of(suffix.begin(), suffix.end(), [](QChar c) {
            return c >= u'a' && c <= u'z';
        });
        if (letters || suffix == u"lib32" || suffix == u"lib64")
            return parseDrvName(name.first(dash));
    }
    return parseDrvName(name);
}

namespace {

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// The next component at or after `at` (skipping separators), as Nix's nextComponent.
QStringView nextComponent(QStringView version, qsizetype &at)
{
    while (at < version.size() && (version.at(at) == u'.' || version.at(at) == u'-'))
        ++at;
    const qsizetype start = at;
    if (at < version.size() && isDigit(version.at(at))) {
        while (at < version.size() && isDigit(version.at(at)))
            ++at;
    } else {
        while (at < version.size() && !isDigit(version.at(at)) && version.at(at) != u'.'
               && version.at(at) != u'-')
            ++at;
    }
    return version.sliced(start, at - start);
}

// Nix's string2Int<int>: a number that fits an int, else none.
std::optional<int> number(QStringView component)
{
    bool ok = false;
    const int value = component.toInt(&ok);
    return ok && !component.isEmpty() && isDigit(component.front()) ? std::optional<int>(value)
                                                                     : std::nullopt;
}

bool componentLess(QStringView c1, QStringView c2)
{
    const std::optional<int> n1 = number(c1), n2 = number(c2);
    if (n1 && n2)
        return *n1 < *n2;
    if (c1.isEmpty() && n2)
        return true;
    if (c1 == u"pre" && c2 != u"pre")
        return true;
    if (c2 == u"pre")
        return false;
    // Nix assumes "2.3a" < "2.3.1".
    if (n2)
        return true;
    if (n1)
        return false;
    return c1.compare(c2, Qt::CaseSensitive) < 0;
}

} // namespace

int compareVersions(QStringView a, QStringView b)
{
    qsizetype atA = 0, atB = 0;
    while (atA < a.size() || atB < b.size()) {
        const QStringView c1 = nextComponent(a, atA), c2 = nextComponent(b, atB);
        if (componentLess(c1, c2))
            return -1;
        if (componentLess(c2, c1))
            return 1;
    }
    return 0;
}

} // namespace StorePathName
