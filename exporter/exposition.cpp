// SPDX-License-Identifier: MIT
#include "exposition.h"

#include <charconv>
#include <cmath>

void Exposition::family(const char *name, const char *help, const char *type)
{
    m_name = name;
    m_header = "# HELP " + m_name + ' ' + escape(help, false) + '\n' + "# TYPE " + m_name + ' '
               + type + '\n';
}

void Exposition::sample(std::initializer_list<Label> labels, double value)
{
    // A family without samples is left out entirely: missing values are omitted, not faked.
    if (!m_header.isEmpty()) {
        m_text += m_header;
        m_header.clear();
    }
    m_text += m_name;
    if (labels.size() > 0) {
        char separator = '{';
        for (const auto &[name, labelValue] : labels) {
            m_text += separator;
            m_text += name;
            m_text += "=\"";
            m_text += escape(labelValue.toUtf8(), true);
            m_text += '"';
            separator = ',';
        }
        m_text += '}';
    }
    m_text += ' ';
    m_text += formatValue(value);
    m_text += '\n';
}

QByteArray Exposition::formatValue(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    // Timestamps and counts are integers well inside double's exact range: print them whole
    // rather than as 1.7324064e+09.
    char buffer[32];
    const bool whole = value == std::trunc(value) && std::fabs(value) < 1e15;
    const auto result = whole ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value))
                              : std::to_chars(buffer, buffer + sizeof buffer, value);
    return QByteArray(buffer, result.ptr - buffer);
}

QByteArray Exposition::escape(const QByteArray &text, bool quotes)
{
    QByteArray escaped;
    escaped.reserve(text.size());
    for (const char c : text) {
        if (c == '\\')
            escaped += "\\\\";
        else if (c == '\n')
            escaped += "\\n";
        else if (c == '"' && quotes)
            escaped += "\\\"";
        else
            escaped += c;
    }
    return escaped;
}
