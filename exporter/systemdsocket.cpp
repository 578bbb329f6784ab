// SPDX-License-Identifier: MIT
#include "systemdsocket.h"

#include <QByteArray>

#include <cstdlib>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {
// A decimal number and nothing else, or -1.
long long parseNumber(const QByteArray &text)
{
    if (text.isEmpty() || text.size() > 18)
        return -1;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return -1;
    }
    return text.toLongLong();
}
} // namespace

std::optional<qintptr> SystemdSocket::take(QString *error)
{
    const QByteArray pidText = qgetenv("LISTEN_PID");
    const QByteArray fdsText = qgetenv("LISTEN_FDS");
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");

    if (fdsText.isEmpty()) {
        *error = QStringLiteral("--web.systemd-socket: no socket passed (LISTEN_FDS is not set; "
                                "start the exporter from a systemd .socket unit)");
        return std::nullopt;
    }
    const long long pid = parseNumber(pidText);
    if (pid != getpid()) {
        *error = QStringLiteral("--web.systemd-socket: the sockets are meant for process %1, this is %2")
                     .arg(QString::fromLatin1(pidText))
                     .arg(getpid());
        return std::nullopt;
    }
    const long long count = parseNumber(fdsText);
    if (count != 1) {
        *error = QStringLiteral("--web.systemd-socket: expected one socket, systemd passed %1 "
                                "(LISTEN_FDS=%2); give the .socket unit one ListenStream=")
                     .arg(count < 0 ? 0 : count)
                     .arg(QString::fromLatin1(fdsText));
        return std::nullopt;
    }
    const int fd = FirstDescriptor;
    int type = 0;
    int listening = 0;
    socklen_t length = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0 || type != SOCK_STREAM) {
        *error = QStringLiteral("--web.systemd-socket: fd %1 is not a stream socket").arg(fd);
        return std::nullopt;
    }
    length = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 || !listening) {
        *error = QStringLiteral("--web.systemd-socket: fd %1 is not listening (use ListenStream=, "
                                "not Accept=yes)").arg(fd);
        return std::nullopt;
    }
    const int flags = fcntl(fd, F_GETFD);
    if (flags >= 0)
        fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    return fd;
}
