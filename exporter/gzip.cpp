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
