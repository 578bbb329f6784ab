// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QtGlobal>

#include <optional>

// systemd socket activation (sd_listen_fds(3)), without libsystemd: systemd passes listening
// sockets from fd 3 on and says so in LISTEN_FDS, for the process LISTEN_PID.
namespace SystemdSocket {

constexpr int FirstDescriptor = 3;

// The one listening TCP socket systemd passed, or nullopt with a one-line error (no
// LISTEN_FDS, meant for another process, more than one socket, not a listening stream
// socket). Unsets LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES, so child processes do not take
// them for theirs, and marks the socket close-on-exec.
std::optional<qintptr> take(QString *error);

} // namespace SystemdSocket
