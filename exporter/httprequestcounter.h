// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

class Exposition;

// nixos_exporter_http_requests_total{path,code}: the requests the exporter answered. The path
// label is one of the routes it was made with, or "other" for every path it does not serve, so
// that a scanner trying thousands of paths adds one series, not thousands; codes are the few
// the routes answer with.
class HttpRequestCounter
{
public:
    static inline const QString OtherPath = QStringLiteral("other");

    // The routes; each starts with a 0 for code 200, so that rate() has a first sample.
    explicit HttpRequestCounter(const QStringList &paths = {});

    // path: one of the routes, anything else counts as "other".
    void count(const QString &path, int code);
    quint64 value(const QString &path, int code) const;

    void render(Exposition &out) const;

private:
    struct Series
    {
        qsizetype path;  // index into m_paths
        int code;
        quint64 count;
    };
    qsizetype pathIndex(const QString &path) const;

    QStringList m_paths;        // the routes, then "other"
    QList<Series> m_series;     // sorted by path index, then code; a handful of entries
};
