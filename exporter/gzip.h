// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>

namespace Gzip {
// The start of a gzip stream for a body whose beginning stays the same while its end changes
// (the cached /metrics body, then the self metrics of each scrape): the header and the
// beginning's deflate blocks, flushed to a byte boundary without a final block, plus what the
// trailer needs. finish() adds the end as deflate blocks of their own (a fresh stream, so no
// reference reaches back into the beginning) and the trailer of the whole, with the CRC-32s
// combined: one valid gzip member, while only the end is compressed per request.
struct Prefix
{
    QByteArray stream;  // empty if zlib failed
    quint32 crc = 0;
    quint64 size = 0;
};
Prefix compressPrefix(const QByteArray &data);
QByteArray finish(const Prefix &prefix, const QByteArray &tail);

// The gzip (RFC 1952) form of data; qCompress() writes zlib framing, which HTTP clients
// do not accept as Content-Encoding: gzip.
QByteArray compress(const QByteArray &data);

// Whether an Accept-Encoding header value allows gzip ("gzip", "gzip;q=0.5", "*"; not
// "gzip;q=0").
bool accepted(const QByteArray &acceptEncoding);
} // namespace Gzip
