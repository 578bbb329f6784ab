// SPDX-License-Identifier: MIT
#include "generationlist.h"

#include "nixdatabase.h"
#include "statustext.h"
#include "systemlayout.h"
#include "terminalcolour.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>

#include <algorithm>

namespace GenerationList {
namespace {

QString orDash(const QString &text)
{
    return text.isEmpty() ? QStringLiteral("-") : text;
}

QStringList marks(const GenerationState &state, int number)
{
    QStringList marks;
    if (state.currentGeneration == number)
        marks.append(QStringLiteral("current"));
    if (state.bootedGeneration == number)
        marks.append(QStringLiteral("booted"));
    if (state.defaultGeneration == number)
        marks.append(QStringLiteral("default"));
    return marks;
}

QString closureText(const Closures &closures, const QString &storePath)
{
    const auto found = closures.byStorePath.constFind(storePath);
    if (found == closures.byStorePath.cend())
        return QStringLiteral("unknown");
    const std::optional<qint64> size = found->sizeBytes();
    return QStringLiteral("%1 paths, %2")
        .arg(QLocale(QLocale::English).toString(found->pathCount()),
             size ? StatusText::bytes(double(*size), StatusText::Precision::Tenths) : QStringLiteral("size unknown"));
}

} // namespace

Closures readClosures(const SystemLayout &layout, const GenerationState &state)
{
    Closures closures;
    NixDatabase database(layout);
    for (const Generation &generation : state.generations) {
        const QString &storePath = generation.system.storePath;
        if (storePath.isEmpty() || closures.byStorePath.contains(storePath))
            continue;
        QString error;
        if (const std::optional<StoreClosure> closure = database.closure(storePath, &error)) {
            closures.byStorePath.insert(storePath, *closure);
        } else {
            closures.error = error;
            // The database itself failed: the others would fail the same way.
            if (!error.contains(storePath))
                break;
        }
    }
    return closures;
}

QString render(const GenerationState &state, const Closures &closures, bool colour)
{
    const QStringList header{QStringLiteral("Generation"), QStringLiteral("Built"), QStringLiteral("NixOS version"),
                             QStringLiteral("Kernel"), QStringLiteral("Specialisations"), QStringLiteral("Closure"),
                             QString()};
    QList<QStringList> rows;
    for (auto it = state.generations.crbegin(); it != state.generations.crend(); ++it) {
        const SystemClosure &system = it->system;
        rows.append({QString::number(it->number),
                     it->created > 0 ? QDateTime::fromSecsSinceEpoch(it->created).toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                                     : QStringLiteral("-"),
                     orDash(system.version.label), orDash(system.kernelVersion),
                     orDash(system.specialisations.join(QStringLiteral(", "))),
                     system.storePath.isEmpty() ? QStringLiteral("-") : closureText(closures, system.storePath),
                     marks(state, it->number).join(QStringLiteral(", "))});
    }
    QList<qsizetype> widths(header.size(), 0);
    for (const QStringList &row : QList<QStringList>{header} + rows) {
        for (qsizetype column = 0; column < row.size(); ++column)
            widths[column] = std::max(widths[column], row[column].size());
    }
    const auto line = [&](const QStringList &row) {
        QStringList cells;
        for (qsizetype column = 0; column < row.size(); ++column) {
            // The number right-aligned, the last column not padded.
            cells.append(column == 0 ? row[column].rightJustified(widths[column])
                         : column + 1 == row.size() ? row[column]
                                                    : row[column].leftJustified(widths[column]));
        }
        QString text = cells.join(QStringLiteral("  "));
        while (text.endsWith(QLatin1Char(' ')))
            text.chop(1);
        return text;
    };
    QString out = paint(line(header), TerminalColour::Bold, colour) + QLatin1Char('\n');
    for (const QStringList &row : rows) {
        const QString text = line(row);
        out += (row.last().contains(QLatin1String("current")) ? paint(text, TerminalColour::Green, colour) : text)
               + QLatin1Char('\n');
    }
    if (state.generations.isEmpty())
        out += QStringLiteral("No generations in %1.\n").arg(SystemLayout::ProfilesDir);
    return out;
}

QJsonObject toJson(const GenerationState &state, const Closures &closures)
{
    QJsonArray generations;
    for (auto it = state.generations.crbegin(); it != state.generations.crend(); ++it) {
        const SystemClosure &system = it->system;
        const auto text = [](const QString &value) { return value.isEmpty() ? QJsonValue() : QJsonValue(value); };
        QJsonValue closure;
        if (const auto found = closures.byStorePath.constFind(system.storePath); found != closures.byStorePath.cend()) {
            const std::optional<qint64> size = found->sizeBytes();
            closure = QJsonObject{{QStringLiteral("path_count"), found->pathCount()},
                                  {QStringLiteral("size_bytes"), size ? QJsonValue(*size) : QJsonValue()}};
        }
        generations.append(QJsonObject{
            {QStringLiteral("number"), it->number},
            {QStringLiteral("created"), it->created > 0 ? QJsonValue(it->created) : QJsonValue()},
            {QStringLiteral("store_path"), text(system.storePath)},
            {QStringLiteral("nixos_version"), text(system.version.label)},
            {QStringLiteral("kernel"), text(system.kernelVersion)},
            {QStringLiteral("specialisations"), QJsonArray::fromStringList(system.specialisations)},
            {QStringLiteral("current"), state.currentGeneration == it->number},
            {QStringLiteral("booted"), state.bootedGeneration == it->number},
            {QStringLiteral("default"), state.defaultGeneration == it->number},
            {QStringLiteral("closure"), closure}});
    }
    return {{QStringLiteral("schema_version"), 1},
            {QStringLiteral("generations"), generations},
            {QStringLiteral("closure_error"), closures.error.isEmpty() ? QJsonValue() : QJsonValue(closures.error)}};
}

} // namespace GenerationList
