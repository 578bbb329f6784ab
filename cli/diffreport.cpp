// SPDX-License-Identifier: MIT
#include "diffreport.h"

#include "statustext.h"
#include "terminalcolour.h"

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

// "booted (generation 46)", "generation 47", "/nix/store/...-system"
QString title(const SystemDiff::Side &system)
{
    if (!system.generation || system.name.startsWith(QLatin1String("generation ")))
        return system.name;
    return QStringLiteral("%1 (generation %2)").arg(system.name).arg(*system.generation);
}

QString sizeLine(const SystemDiff::Side &from, const SystemDiff::Side &to)
{
    QString line = QStringLiteral("Closure: %1 → %2 paths (%3)")
                       .arg(number(from.pathCount), number(to.pathCount),
                            signedNumber(to.pathCount - from.pathCount));
    const std::optional<qint64> before = from.sizeBytes, after = to.sizeBytes;
    if (before && after) {
        const qint64 delta = *after - *before;
        const auto size = [](qint64 bytes) { return StatusText::bytes(double(bytes), StatusText::Precision::Tenths); };
        line += QStringLiteral(", %1 → %2 (%3%4)")
                    .arg(size(*before), size(*after), delta >= 0 ? QStringLiteral("+") : QStringLiteral("-"),
                         size(std::abs(delta)));
    } else {
        line += QStringLiteral(", size unknown (paths without a size in the Nix database)");
    }
    return line;
}

} // namespace

QString render(const SystemDiff &systems, bool colour)
{
    const SystemDiff::Side &from = systems.from, &to = systems.to;
    const PackageDiff &diff = systems.packages;
    QString out = paint(QStringLiteral("%1 → %2").arg(title(from), title(to)), TerminalColour::Bold, colour)
                  + QLatin1Char('\n');
    out += paint(QStringLiteral("%1 → %2").arg(from.storePath, to.storePath), TerminalColour::Dim, colour)
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
                what = QStringLiteral("%1 → %2").arg(PackageChange::versionsText(change.before), PackageChange::versionsText(change.after));
            else
                what = PackageChange::versionsText(change.before.isEmpty() ? change.after : change.before);
            out += QStringLiteral("  %1  %2\n").arg(change.name.leftJustified(width), what);
        }
    }
    if (diff.isEmpty())
        out += QStringLiteral("No package changes.\n");
    out += QLatin1Char('\n') + sizeLine(from, to) + QLatin1Char('\n');
    return out;
}

QJsonObject toJson(const SystemDiff &diff)
{
    QJsonObject json = diff.toJson();
    json.insert(QStringLiteral("schema_version"), 1);
    return json;
}

} // namespace DiffReport
