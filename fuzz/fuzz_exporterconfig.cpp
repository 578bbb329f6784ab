// SPDX-License-Identifier: MIT
// libFuzzer target: ExporterConfig::loadYamlText on arbitrary bytes (the --config file).
// Every input must be accepted or rejected with one error line; yaml-cpp's exceptions must
// not escape.
#include "exporterconfig.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    ExporterConfig config;
    QString error;
    if (!config.loadYamlText(text, QStringLiteral("fuzz.yml"), &error) && error.isEmpty())
        __builtin_trap();  // a rejection must say why
    return 0;
}
