// SPDX-License-Identifier: MIT
#include "gzip.h"

#include <QList>

#include <optional>

#include <zlib.h>

namespace Gzip {

QByteArray compress(const QByteArray &data)
{
    z_stream stream{};
    // windowBits 15 + 16 asks zlib for a gzip header and trailer instead of zlib's.
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    QByteArray output(int(deflateBound(&stream, uLong(data.size()))), Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(output.data());
    stream.avail_out = uInt(output.size());
    const int result = deflate(&stream, Z_FINISH);
    output.truncate(qsizetype(stream.total_out));
    deflateEnd(&stream);
    return result == Z_STREAM_END ? output : QByteArray();
}

namespace {

// Raw deflate (no zlib or gzip framing) of data onto output, ending with a final block
// (Z_FINISH) or at a byte boundary that more blocks may follow (Z_SYNC_FLUSH).
bool deflateRaw(const QByteArray &data, int flush, QByteArray *output)
{
    z_stream stream{};
    if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return false;
    const qsizetype start = output->size();
    // deflateBound() covers Z_FINISH; a sync flush adds an empty stored block (5 bytes).
    output->resize(start + qsizetype(deflateBound(&stream, uLong(data.size()))) + 16);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(output->data() + start);
    stream.avail_out = uInt(output->size() - start);
    const int result = deflate(&stream, flush);
    output->truncate(start + qsizetype(stream.total_out));
    deflateEnd(&stream);
    return flush == Z_FINISH ? result == Z_STREAM_END : result == Z_OK && stream.avail_in == 0;
}

void appendLittleEndian(QByteArray *output, quint32 value)
{
    for (int shift = 0; shift < 32; shift += 8)
        output->append(char((value >> shift) & 0xff));
}

} // namespace

Prefix compressPrefix(const QByteArray &data)
{
    // RFC 1952 header: ID1 ID2, CM = deflate, no flags, no time, XFL 0, OS = Unix.
    Prefix prefix;
    prefix.stream = QByteArray("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
    if (!deflateRaw(data, Z_SYNC_FLUSH, &prefix.stream))
        return {};
    prefix.crc = quint32(crc32(crc32(0, nullptr, 0), reinterpret_cast<const Bytef *>(data.constData()),
                               uInt(data.size())));
    prefix.size = quint64(data.size());
    return prefix;
}

QByteArray finish(const Prefix &prefix, const QByteArray &tail)
{
    if (prefix.stream.isEmpty())
        return {};
    QByteArray output = prefix.stream;
    if (!deflateRaw(tail, Z_FINISH, &output))
        return {};
    const uLong tailCrc = crc32(crc32(0, nullptr, 0), reinterpret_cast<const Bytef *>(tail.constData()),
                                uInt(tail.size()));
    appendLittleEndian(&output, quint32(crc32_combine(prefix.crc, tailCrc, z_off_t(tail.size()))));
    appendLittleEndian(&output, quint32((prefix.size + quint64(tail.size())) & 0xffffffffU));
    return output;
}

bool accepted(const QByteArray &acceptEncoding)
{
    // RFC 9110 12.5.3: "*" only stands for codings the header does not name, so an explicit
    // "gzip;q=0" refuses gzip even next to "*". x-gzip is the same coding as gzip.
    std::optional<bool> gzip;
    std::optional<bool> any;
    for (const QByteArray &item : acceptEncoding.split(',')) {
        const QList<QByteArray> parts = item.split(';');
        const QByteArray coding = parts.first().trimmed().toLower();
        if (coding != "gzip" && coding != "x-gzip" && coding != "*")
            continue;
        bool rejected = false;
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QByteArray parameter = parts[i].trimmed().toLower();
            if (parameter.startsWith("q=")) {
                bool ok = false;
                const double q = parameter.mid(2).toDouble(&ok);
                rejected = !ok || q <= 0;
            }
        }
        std::optional<bool> &verdict = coding == "*" ? any : gzip;
        verdict = verdict.value_or(false) || !rejected;
    }
    return gzip.value_or(any.value_or(false));
}

} // namespace Gzip
