// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QTextStream>

#include <algorithm>
#include <vector>

// The timings of one benchmark case, as every benchmark here prints them. The median is the
// figure to compare: these machines are shared, so min and max say how noisy the run was.
struct Samples
{
    double min = 0, median = 0, max = 0;
    qsizetype count = 0;

    static Samples of(std::vector<double> values)
    {
        if (values.empty())
            return {};
        std::sort(values.begin(), values.end());
        return {values.front(), values[values.size() / 2], values.back(), qsizetype(values.size())};
    }

    // One line, "NAME n=21 min_ms=1.20 median_ms=1.31 max_ms=2.05" (unit "ms" or "us"), and
    // after it the case's own figures, if any (" bytes=1234").
    void print(QTextStream &out, const char *name, const char *unit, int decimals, const QString &more = {}) const
    {
        const auto number = [decimals](double value) { return QString::number(value, 'f', decimals); };
        out << name << " n=" << count << " min_" << unit << '=' << number(min) << " median_" << unit << '='
            << number(median) << " max_" << unit << '=' << number(max) << more << Qt::endl;
    }
};
