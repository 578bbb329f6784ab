// SPDX-License-Identifier: MIT
#include "logformat.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QLoggingCategory>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <mutex>

#include <unistd.h>

namespace LogFormat {

namespace {

constexpr std::pair<const char *, Level> LevelNames[] = {
    {"debug", Level::Debug}, {"info", Level::Info}, {"warn", Level::Warn}, {"error", Level::Error}};
constexpr std::pair<const char *, Format> FormatNames[] = {{"logfmt", Format::Logfmt},
                                                           {"json", Format::Json}};

template<typename Enum, std::size_t N>
std::optional<Enum> lookUp(const QString &text, const std::pair<const char *, Enum> (&names)[N])
{
    for (const auto &[name, value] : names) {
        if (text == QLatin1String(name))
            return value;
    }
    return std::nullopt;
}

template<typename Enum, std::size_t N>
QString unknown(const char *what, const QString &text, const std::pair<const char *, Enum> (&names)[N])
{
    QStringList known;
    for (const auto &[name, value] : names)
        known.append(QLatin1String(name));
    return QStringLiteral("unknown %1 \"%2\" (known: %3)")
        .arg(QLatin1String(what), text, known.join(QStringLiteral(", ")));
}

// Code points of a UTF-16 string; a lone surrogate is U+FFFD.
template<typename Function>
void forEachCodePoint(QStringView text, Function function)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (QChar::isHighSurrogate(c) && i + 1 < text.size() && QChar::isLowSurrogate(text[i + 1].unicode())) {
            function(QChar::surrogateToUcs4(c, text[i + 1].unicode()));
            ++i;
        } else if (QChar::isSurrogate(c)) {
            function(char32_t(0xFFFD));
        } else {
            function(char32_t(c));
        }
    }
}

// Written as \uXXXX: control characters (C0, DEL, C1), the line and paragraph separators
// (which some readers take as line ends), and the invisible ones that change how a line
// reads: zero-width characters, bidirectional overrides and isolates (a message could
// otherwise show text in another order than it has), the byte order mark.
bool isControl(char32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029
           || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E)
           || (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF;
}

void appendUtf8(QByteArray &out, char32_t c)
{
    if (c < 0x80) {
        out.append(char(c));
    } else if (c < 0x800) {
        out.append(char(0xC0 | (c >> 6)));
        out.append(char(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.append(char(0xE0 | (c >> 12)));
        out.append(char(0x80 | ((c >> 6) & 0x3F)));
        out.append(char(0x80 | (c & 0x3F)));
    } else {
        out.append(char(0xF0 | (c >> 18)));
        out.append(char(0x80 | ((c >> 12) & 0x3F)));
        out.append(char(0x80 | ((c >> 6) & 0x3F)));
        out.append(char(0x80 | (c & 0x3F)));
    }
}

// The inside of a quoted string, the same escapes for logfmt and JSON.
void appendEscaped(QByteArray &out, QStringView text)
{
    forEachCodePoint(text, [&out](char32_t c) {
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        default:
            if (isControl(c)) {
                char escape[16];  // "\\u" and up to 8 hex digits, as far as the compiler can tell
                std::snprintf(escape, sizeof escape, "\\u%04x", unsigned(c));
                out.append(escape);
            } else {
                appendUtf8(out, c);
            }
        }
    });
}

void appendQuoted(QByteArray &out, QStringView text)
{
    out.append('"');
    appendEscaped(out, text);
    out.append('"');
}

// logfmt leaves a value bare unless it is empty or holds a space, '=', '"', a control
// character or a replaced surrogate.
void appendLogfmtValue(QByteArray &out, QStringView text)
{
    bool quote = text.isEmpty();
    forEachCodePoint(text, [&quote](char32_t c) {
        quote = quote || c <= ' ' || c == '=' || c == '"' || c == 0xFFFD || isControl(c);
    });
    if (quote) {
        appendQuoted(out, text);
    } else {
        forEachCodePoint(text, [&out](char32_t c) { appendUtf8(out, c); });
    }
}

std::atomic<Format> installedFormat{Format::Logfmt};
std::mutex writeMutex;

void writeAll(const QByteArray &line)
{
    const std::lock_guard lock(writeMutex);
    const char *data = line.constData();
    qsizetype left = line.size();
    while (left > 0) {
        const ssize_t written = ::write(STDERR_FILENO, data, size_t(left));
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return;  // nowhere to log to
        data += written;
        left -= written;
    }
}

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QByteArrayView logger = context.category ? QByteArrayView(context.category) : QByteArrayView("default");
    writeAll(formatLine(installedFormat.load(), QDateTime::currentMSecsSinceEpoch(), type, logger, message));
}

} // namespace

std::optional<Level> parseLevel(const QString &text)
{
    return lookUp(text, LevelNames);
}

std::optional<Format> parseFormat(const QString &text)
{
    return lookUp(text, FormatNames);
}

QString levelError(const QString &text)
{
    return unknown("log level", text, LevelNames);
}

QString formatError(const QString &text)
{
    return unknown("log format", text, FormatNames);
}

QLatin1String levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return QLatin1String("debug");
    case QtInfoMsg: return QLatin1String("info");
    case QtWarningMsg: return QLatin1String("warn");
    case QtCriticalMsg:
    case QtFatalMsg: break;
    }
    return QLatin1String("error");
}

QByteArray rfc3339(qint64 msecsSinceEpoch)
{
    using namespace std::chrono;
    const sys_time<milliseconds> time{milliseconds(msecsSinceEpoch)};
    const sys_days day = floor<days>(time);
    const year_month_day date{day};
    const hh_mm_ss clock{time - day};
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(date.year()),
                  unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                  int(clock.minutes().count()), int(clock.seconds().count()),
                  int(clock.subseconds().count()));
    return QByteArray(text);
}

QByteArray formatLine(Format format, qint64 msecsSinceEpoch, QtMsgType type, QByteArrayView logger,
                      QStringView message)
{
    const QString loggerText = QString::fromUtf8(logger);
    QByteArray line;
    line.reserve(80 + message.size());
    if (format == Format::Json) {
        line.append("{\"time\":\"");
        line.append(rfc3339(msecsSinceEpoch));
        line.append("\",\"level\":\"");
        line.append(levelName(type).data(), levelName(type).size());
        line.append("\",\"logger\":");
        appendQuoted(line, loggerText);
        line.append(",\"msg\":");
        appendQuoted(line, message);
        line.append("}\n");
    } else {
        line.append("time=");
        line.append(rfc3339(msecsSinceEpoch));
        line.append(" level=");
        line.append(levelName(type).data(), levelName(type).size());
        line.append(" logger=");
        appendLogfmtValue(line, loggerText);
        line.append(" msg=");
        appendLogfmtValue(line, message);
        line.append('\n');
    }
    return line;
}

QString filterRules(Level level)
{
    QStringList rules;
    if (level == Level::Debug)
        rules.append(QStringLiteral("nixos.*=true"));
    if (level > Level::Debug)
        rules.append(QStringLiteral("*.debug=false"));
    if (level > Level::Info)
        rules.append(QStringLiteral("*.info=false"));
    if (level > Level::Warn)
        rules.append(QStringLiteral("*.warning=false"));
    return rules.join(QLatin1Char('\n'));
}

void install(Format format, Level level)
{
    installedFormat.store(format);
    qInstallMessageHandler(handler);
    QLoggingCategory::setFilterRules(filterRules(level));
}

} // namespace LogFormat
