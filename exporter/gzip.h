// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>

namespace Gzip {
// The gzip (RFC 1952) form of data; qCompress() writes zlib framing, which HTTP clients
// do not accept as Content-Encoding: gzip.
QByteArray compress(const QByteArray &data);

// Whether an Accept-Encoding header value allows gzip ("gzip", "gzip;q=0.5", "*"; not
// "gzip;q=0").
bool accepted(const QByteArray &acceptEncoding);
} // namespace Gzip
