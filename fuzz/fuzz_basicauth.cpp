// SPDX-License-Identifier: MIT
// libFuzzer target: parseBasicAuthorization on arbitrary Authorization header values.
#include "basicauth.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView header(reinterpret_cast<const char *>(data), qsizetype(size));
    const std::optional<Credentials> credentials = parseBasicAuthorization(header);
    // A user name never holds the colon that ends it (RFC 7617).
    if (credentials && credentials->user.contains(':'))
        __builtin_trap();
    // Equal views compare equal, in constant time or not.
    if (!constantTimeEquals(header, header))
        __builtin_trap();
    return 0;
}
