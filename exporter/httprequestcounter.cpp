// SPDX-License-Identifier: MIT
#include "httprequestcounter.h"

#include "exposition.h"

#include <algorithm>

HttpRequestCounter::HttpRequestCounter(const QStringList &paths) : m_paths(paths)
{
    m_paths.removeAll(OtherPath);
    m_paths.removeDuplicates();
    m_paths.append(OtherPath);
    for (qsizetype i = 0; i + 1 < m_paths.size(); ++i)
        m_series.append({i, 200, 0});
}

qsizetype HttpRequestCounter::pathIndex(const QString &path) const
{
    const qsizetype index = m_paths.indexOf(path);
    return index >= 0 ? index : m_paths.size() - 1;
}

void HttpRequestCounter::count(const QString &path, int code)
{
    const Series key{pathIndex(path), code, 0};
    const auto before = [](const Series &a, const Series &b) {
        return a.path != b.path ? a.path < b.path : a.code < b.code;
    };
    const auto it = std::lower_bound(m_series.begin(), m_series.end(), key, before);
    if (it != m_series.end() && it->path == key.path && it->code == code)
        ++it->count;
    else
        m_series.insert(it, {key.path, code, 1});
}

quint64 HttpRequestCounter::value(const QString &path, int code) const
{
    const qsizetype index = pathIndex(path);
    for (const Series &series : m_series) {
        if (series.path == index && series.code == code)
            return series.count;
    }
    return 0;
}

void HttpRequestCounter::render(Exposition &out) const
{
    out.family("nixos_exporter_http_requests_total",
               "HTTP requests the exporter answered, by route (\"other\" for every unknown path) "
               "and status code",
               "counter");
    for (const Series &series : m_series)
        out.sample({{"path", m_paths[series.path]}, {"code", QString::number(series.code)}},
                   double(series.count));
}
