// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

// The CLI's colours: ANSI escapes, written only when colour is on (a terminal, --color).
enum class TerminalColour { None, Green, Yellow, Red, Bold, Dim };

inline QString paint(const QString &text, TerminalColour colour, bool enabled)
{
    if (!enabled || colour == TerminalColour::None)
        return text;
    static const char *const codes[] = {"", "32", "33", "31", "1", "2"};
    return QStringLiteral("\x1b[%1m%2\x1b[0m").arg(QLatin1String(codes[int(colour)]), text);
}
