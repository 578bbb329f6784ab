// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringView>
#include <QtGlobal>

#include <optional>

// nixos-exporter's log, as node_exporter writes it (promslog): one event per line on stderr,
// logfmt or JSON, with the fields time (RFC 3339, milliseconds, UTC), level, logger (the Qt
// logging category) and msg. It is Qt's own logging: a message handler formats what the
// categories let through, and the level becomes category filter rules.
namespace LogFormat {

enum class Level { Debug, Info, Warn, Error };
enum class Format { Logfmt, Json };

// "debug", "info", "warn", "error"; nullopt for anything else.
std::optional<Level> parseLevel(const QString &text);
// "logfmt", "json"; nullopt for anything else.
std::optional<Format> parseFormat(const QString &text);
// The one-line complaint about a bad value, naming what is known.
QString levelError(const QString &text);
QString formatError(const QString &text);

// debug, info, warn or error (critical and fatal messages are errors).
QLatin1String levelName(QtMsgType type);
// 2025-01-31T12:34:56.789Z
QByteArray rfc3339(qint64 msecsSinceEpoch);

// One event, ending in '\n'. Pure. Values are escaped so that the line stays one line of
// valid UTF-8 whatever the message holds: quotes, backslashes, newlines and other control
// characters are escaped, a lone UTF-16 surrogate becomes U+FFFD.
QByteArray formatLine(Format format, qint64 msecsSinceEpoch, QtMsgType type, QByteArrayView logger,
                      QStringView message);

// QLoggingCategory rules that hide what is below the level. Categories keep their own
// default threshold above it (nixos.exporter.connections says only warnings at info);
// debug shows everything of the exporter's own categories (nixos.*).
QString filterRules(Level level);

// Installs the message handler writing formatLine()s to stderr, and the level's rules.
// QT_LOGGING_RULES in the environment still overrides the rules, as Qt documents.
void install(Format format, Level level);

} // namespace LogFormat
