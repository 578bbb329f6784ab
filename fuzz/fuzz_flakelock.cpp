// SPDX-License-Identifier: MIT
// libFuzzer target: FlakeLock::parse on arbitrary bytes. Any input must give a lock or an
// error line, never a crash, a hang or undefined behaviour.
#include "flakelock.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray json = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error;
    const std::optional<FlakeLock> lock = FlakeLock::parse(json, &error);
    if (!lock && error.isEmpty())
        __builtin_trap();  // a failure must say what is wrong
    return 0;
}
