// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QStandardPaths>
#include <QString>
#include <QTest>

// Tests that run an outside program (promtool, prometheus, openssl, ...) look it up on PATH,
// never at a fixed place: the Nix sandbox has no /usr/bin. A missing program skips the test
// function with one line naming it and the packages that have it; with
// NIXOS_STATUS_REQUIRE_TOOLS=1 (CI) it fails instead, so a skip never passes for a check.
namespace RequiredTool {

inline bool required()
{
    return qEnvironmentVariableIntValue("NIXOS_STATUS_REQUIRE_TOOLS") == 1;
}

// "promtool is not on PATH (Debian: prometheus, nixpkgs: prometheus.cli)"
inline QByteArray missing(const char *tool, const char *debian, const char *nixpkgs)
{
    return QByteArray(tool) + " is not on PATH (Debian: " + debian + ", nixpkgs: " + nixpkgs + ')';
}

inline QByteArray reason(const QByteArray &why)
{
    return required() ? why + " and NIXOS_STATUS_REQUIRE_TOOLS=1 requires it" : why;
}

} // namespace RequiredTool

// Ends the current test function unless `found` (a path) is non-empty: QSKIP with `why`, or
// QFAIL under NIXOS_STATUS_REQUIRE_TOOLS=1. A macro because QSKIP and QFAIL return from the
// test function they are written in.
#define NIXOS_REQUIRE_FOUND(found, why)                                                                      \
    do {                                                                                                     \
        if ((found).isEmpty()) {                                                                             \
            const QByteArray nixosReason_ = RequiredTool::reason(why);                                       \
            if (RequiredTool::required())                                                                    \
                QFAIL(nixosReason_.constData());                                                             \
            QSKIP(nixosReason_.constData());                                                                 \
        }                                                                                                    \
    } while (false)

// Sets the QString `path` to `tool` found on PATH, or ends the test function as above.
#define NIXOS_REQUIRE_TOOL(path, tool, debian, nixpkgs)                                                      \
    do {                                                                                                     \
        (path) = QStandardPaths::findExecutable(QStringLiteral(tool));                                       \
        NIXOS_REQUIRE_FOUND(path, RequiredTool::missing(tool, debian, nixpkgs));                             \
    } while (false)
