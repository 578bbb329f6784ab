// SPDX-License-Identifier: MIT
// libFuzzer target: WebConfig::loadYamlText on arbitrary bytes (the --web.config.file). It reads
// no files; every input is accepted or rejected with one error line.
#include "webconfig.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error;
    if (!WebConfig::loadYamlText(text, QStringLiteral("/etc/web.yml"), &error) && error.isEmpty())
        __builtin_trap();  // a rejection must say why
    return 0;
}
