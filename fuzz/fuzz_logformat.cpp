// SPDX-License-Identifier: MIT
// libFuzzer target: LogFormat::formatLine on arbitrary messages and logger names. Log messages
// quote what the exporter read (lock files, URLs, server answers), so whatever they hold, an
// event must stay one line of valid UTF-8 and, in JSON, parse back to the message.
#include "logformat.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    // The first byte picks the level and how the rest becomes a message: UTF-8 (what a
    // QString made from file contents holds) or raw UTF-16 (lone surrogates included).
    const auto type = QtMsgType(data[0] % 5);
    const QByteArrayView rest(reinterpret_cast<const char *>(data) + 1, qsizetype(size) - 1);
    const QString message = (data[0] & 0x80)
                                ? QString(reinterpret_cast<const QChar *>(rest.data()), rest.size() / 2)
                                : QString::fromUtf8(rest);
    const QByteArray logger = rest.first(qMin<qsizetype>(16, rest.size())).toByteArray();
    for (const LogFormat::Format format : {LogFormat::Format::Logfmt, LogFormat::Format::Json}) {
        const QByteArray line = LogFormat::formatLine(format, 1738326896789, type, logger, message);
        if (!line.endsWith('\n') || line.count('\n') != 1 || line.contains('\r'))
            __builtin_trap();
        if (!QUtf8StringView(line).isValidUtf8())
            __builtin_trap();
        if (format == LogFormat::Format::Json) {
            QJsonParseError error{};
            const QJsonObject event = QJsonDocument::fromJson(line, &error).object();
            if (error.error != QJsonParseError::NoError || event.size() != 4)
                __builtin_trap();
            // The message comes back, a lone surrogate as U+FFFD.
            QString expected = message;
            for (qsizetype i = 0; i < expected.size(); ++i) {
                if (expected[i].isHighSurrogate() && i + 1 < expected.size() && expected[i + 1].isLowSurrogate())
                    ++i;
                else if (expected[i].isSurrogate())
                    expected[i] = QChar(0xFFFD);
            }
            if (event.value(QLatin1String("msg")).toString() != expected)
                __builtin_trap();
        }
    }
    return 0;
}
