// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

// `promtool check metrics` on an exposition body, as the tests lint what /metrics serves.
struct PromtoolLint
{
    bool ran = false;      // promtool started and finished
    int exitCode = -1;     // 0 clean, 1 a format error, 3 lint findings
    QStringList findings;  // one per line, the accepted ones left out

    // The plan fixes the names nixos_generation_count and nixos_store_path_count, which the
    // linter takes for a summary's _count: those two findings are accepted, nothing else.
    static PromtoolLint of(const QString &promtool, const QByteArray &body)
    {
        PromtoolLint lint;
        QProcess process;
        process.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
        if (!process.waitForStarted())
            return lint;
        process.write(body);
        process.closeWriteChannel();
        lint.ran = process.waitForFinished();
        lint.exitCode = process.exitCode();
        lint.findings = QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError())
                            .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        for (const char *name : {"nixos_generation_count", "nixos_store_path_count"})
            lint.findings.removeAll(
                QStringLiteral("%1 non-histogram and non-summary metrics should not have \"_count\" suffix").arg(QLatin1String(name)));
        return lint;
    }
};
