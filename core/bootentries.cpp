// SPDX-License-Identifier: MIT
#include "bootentries.h"

#include <QRegularExpression>
#include <QStringDecoder>
#include <QtEndian>

namespace BootEntries {
namespace {

// "($drive1)//kernels/x" -> "/kernels/x": GRUB's device part off, slashes collapsed.
QString pathOnDevice(QString path)
{
    if (path.startsWith(QLatin1Char('('))) {
        const qsizetype close = path.indexOf(QLatin1Char(')'));
        path = close < 0 ? QString() : path.mid(close + 1);
    }
    static const QRegularExpression slashes(QStringLiteral("/{2,}"));
    path.replace(slashes, QStringLiteral("/"));
    return path.startsWith(QLatin1Char('/')) ? path : QString();
}

QStringList words(const QString &line) { return line.split(QLatin1Char(' '), Qt::SkipEmptyParts); }

quint32 le32(const QByteArray &data, qint64 at) { return qFromLittleEndian<quint32>(data.constData() + at); }
quint16 le16(const QByteArray &data, qint64 at) { return qFromLittleEndian<quint16>(data.constData() + at); }

} // namespace

QStringList loaderEntryFiles(const QByteArray &text)
{
    // "key value", one per line; initrd may repeat (systemd's Boot Loader Specification).
    QStringList files;
    for (const QByteArray &raw : text.split('\n')) {
        const QStringList parts = words(QString::fromUtf8(raw).simplified());
        if (parts.size() < 2)
            continue;
        if (parts[0] == QLatin1String("linux") || parts[0] == QLatin1String("initrd")
            || parts[0] == QLatin1String("devicetree")) {
            const QString path = pathOnDevice(parts[1]);
            if (!path.isEmpty())
                files.append(path);
        }
    }
    return files;
}

QList<GrubEntry> grubEntries(const QByteArray &text)
{
    static const QRegularExpression menuentry(QStringLiteral("^menuentry\\s+([\"'])(.*?)\\1.*\\{$"));
    QList<GrubEntry> entries;
    std::optional<GrubEntry> open;
    for (const QByteArray &raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw).simplified();
        if (!open) {
            const QRegularExpressionMatch match = menuentry.match(line);
            if (match.hasMatch())
                open = GrubEntry{match.captured(2), {}};
            continue;
        }
        if (line == QLatin1String("}")) {
            if (open->title.startsWith(QLatin1String("NixOS")) && open->title != QLatin1String("NixOS - Default"))
                entries.append(*open);
            open.reset();
            continue;
        }
        const QStringList parts = words(line);
        if (parts.size() < 2)
            continue;
        // linux takes one file and kernel parameters; initrd one file or several.
        const qsizetype files = parts[0] == QLatin1String("linux") ? 1 : parts[0] == QLatin1String("initrd") ? parts.size() - 1 : 0;
        for (qsizetype i = 1; i <= files; ++i) {
            const QString path = pathOnDevice(parts[i]);
            if (!path.isEmpty())
                open->files.append(path);
        }
    }
    return entries;
}

std::optional<QList<PeSection>> peSections(const QByteArray &headers)
{
    // The DOS header points at the PE signature; the COFF header after it says how many
    // sections there are and how long the optional header before their table is.
    if (headers.size() < 0x40 || !headers.startsWith("MZ"))
        return std::nullopt;
    const qint64 pe = le32(headers, 0x3c);
    if (pe + 24 > headers.size() || headers.mid(pe, 4) != QByteArray("PE\0\0", 4))
        return std::nullopt;
    const int count = le16(headers, pe + 6);
    const qint64 table = pe + 24 + le16(headers, pe + 20);
    if (table + qint64(count) * 40 > headers.size())
        return std::nullopt;
    QList<PeSection> sections;
    for (int i = 0; i < count; ++i) {
        const qint64 at = table + qint64(i) * 40;
        const QByteArray name = headers.mid(at, 8);
        const qint64 virtualSize = le32(headers, at + 8);
        const qint64 rawSize = le32(headers, at + 16);
        sections.append({name.left(name.indexOf('\0') < 0 ? 8 : name.indexOf('\0')), qint64(le32(headers, at + 20)),
                         std::min(virtualSize, rawSize)});
    }
    return sections;
}

QString uefiPath(const QByteArray &section)
{
    if (section.size() > MaxPathSectionBytes)
        return {};
    // UTF-16 when every other byte is zero (the UEFI way), else UTF-8.
    const bool utf16 = section.size() >= 2 && section.at(1) == '\0';
    QString text = utf16 ? QString(QStringDecoder(QStringDecoder::Utf16LE).decode(section)) : QString::fromUtf8(section);
    text.truncate(text.indexOf(QChar(0)) < 0 ? text.size() : text.indexOf(QChar(0)));
    text = text.trimmed();
    if (!text.startsWith(QLatin1Char('\\')))
        return {};
    text.replace(QLatin1Char('\\'), QLatin1Char('/'));
    return text;
}

QString copyName(const QString &storeFile)
{
    static const QString store = QStringLiteral("/nix/store/");
    if (!storeFile.startsWith(store))
        return {};
    QString name = storeFile.mid(store.size());
    name.replace(QLatin1Char('/'), QLatin1Char('-'));
    return name;
}

} // namespace BootEntries
