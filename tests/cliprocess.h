// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QStringList>

// One run of the nixos-status binary this build made (NIXOS_STATUS_BINARY), as a user runs it.
struct CliRun
{
    int exitCode = -1;  // -1: it crashed or did not finish within the time
    QByteArray out;
    QByteArray err;
};

inline CliRun runCli(const QStringList &arguments, int timeoutMs = 30'000)
{
    QProcess process;
    process.start(QStringLiteral(NIXOS_STATUS_BINARY), arguments);
    CliRun result;
    if (!process.waitForFinished(timeoutMs))
        return result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}
