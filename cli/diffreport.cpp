// SPDX-License-Identifier: MIT
#include "diffreport.h"

#include "statusreport.h"
#include "terminalcolour.h"

#include <QJsonValue>
#include <QLocale>

#include <algorithm>

namespace DiffReport {
namespace {

using Kind = PackageChange::Kind;
// Longer names are not padded further: the versions of the rest stay in one column.
constexpr qsizetype MaxNameColumn = 28;

QString number(qint64 value)
{
    return QLocale(QLocale::English).toString(value);
}

QString signedNumber(qint64 value)
{
    return (value >= 0 ? QStringLiteral("+") : QStringLiteral("-")) + number(std::abs(value));
}

QString versions(const QStringList &list)
{
    QStringList shown = list;
    for (QString &version : shown) {
        if (version.isEmpty())
            version = QStringLiteral("(no version)");
    }
    return shown.join(QStringLiteral(", "));
}

// "booted (generation 46)", "generation 47", "/nix/store/...-system"
QString title(const SelectedSystem &system)
{
    if (!system.generation || system.name.startsWith(QLatin1String("generation ")))
        return system.name;
    return QStringLiteral("%1 (generation %2)").arg(system.name).arg(*system.generation);
}

QString sizeLine(const StoreClosure &from, const StoreClosure &to)
{
    QString line = QStringLiteral("Closure: %1 → %2 paths (%3)")
                       .arg(number(from.pathCount()), number(to.pathCount()),
                            signedNumber(to.pathCount() - from.pathCount()));
    const std::optional<qint64> before = from.sizeBytes(), after = to.sizeBytes();
    if (before && after) {
        const qint64 delta = *after - *before;
        line += QStringLiteral(", %1 → %2 (%3%4)")
                    .arg(StatusReport::bytes(double(*before)), StatusReport::bytes(double(*after)),
                         delta >= 0 ? QStringLiteral("+") : QStringLiteral("-"),
                         StatusReport::bytes(double(std::abs(delta))));
    } else {
        line += QStringLiteral(", size unknown (paths without a size in the Nix database)");
    }
    return line;
}

QJsonObject sideJson(const Side &side)
{
    const std::optional<qint64> size = side.closure.sizeBytes();
    return {{QStringLiteral("name"), side.system.name},
            {QStringLiteral("store_path"), side.system.storePath},
            {QStringLiteral("generation"), side.system.generation ? QJsonValue(*side.system.generation) : QJsonValue()},
            {QStringLiteral("path_count"), side.closure.pathCount()},
            {QStringLiteral("size_bytes"), size ? QJsonValue(*size) : QJsonValue()}};
}

} // namespace

QString render(const Side &from, const Side &to, const PackageDiff &diff, bool colour)
{
    QString out = paint(QStringLiteral("%1 → %2").arg(title(from.system), title(to.system)), TerminalColour::Bold, colour)
                  + QLatin1Char('\n');
    out += paint(QStringLiteral("%1 → %2").arg(from.system.storePath, to.system.storePath), TerminalColour::Dim, colour)
           + QStringLiteral("\n\n");
    qsizetype width = 0;
    for (const PackageChange &change : diff.changes)
        width = std::max(width, std::min(change.name.size(), MaxNameColumn));
    const struct
    {
        Kind kind;
        const char *heading;
        TerminalColour colour;
    } sections[] = {{Kind::Upgraded, "Upgraded", TerminalColour::Green},
                    {Kind::Downgraded, "Downgraded", TerminalColour::Yellow},
                    {Kind::Added, "Added", TerminalColour::Green},
                    {Kind::Removed, "Removed", TerminalColour::Red}};
    for (const auto &section : sections) {
        const qsizetype count = diff.count(section.kind);
        if (count == 0)
            continue;
        out += paint(QStringLiteral("%1 (%2)").arg(QLatin1String(section.heading), number(count)), section.colour, colour)
               + QLatin1Char('\n');
        for (const PackageChange &change : diff.changes) {
            if (change.kind != section.kind)
                continue;
            QString what;
            if (!change.before.isEmpty() && !change.after.isEmpty())
                what = QStringLiteral("%1 → %2").arg(versions(change.before), versions(change.after));
            else
                what = versions(change.before.isEmpty() ? change.after : change.before);
            out += QStringLiteral("  %1  %2\n").arg(change.name.leftJustified(width), what);
        }
    }
    if (diff.isEmpty())
        out += QStringLiteral("No package changes.\n");
    out += QLatin1Char('\n') + sizeLine(from.closure, to.closure) + QLatin1Char('\n');
    return out;
}

QJsonObject toJson(const Side &from, const Side &to, const PackageDiff &diff)
{
    return {{QStringLiteral("schema_version"), 1},
            {QStringLiteral("from"), sideJson(from)},
            {QStringLiteral("to"), sideJson(to)},
            {QStringLiteral("packages"), diff.toJson()}};
}

} // namespace DiffReport
