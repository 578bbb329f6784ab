// SPDX-License-Identifier: MIT
#pragma once

#include "assessment.h"
#include "snapshot.h"

#include <QList>
#include <QMetaType>
#include <QString>

// One machine of a fleet, as its exporter or Prometheus reports it.
struct HostStatus
{
    QString host;           // "web1:9971": the instance label or the exporter's address
    Assessment assessment;
    QString summary;        // one line: "generation 47 (booted 46) · nixpkgs 41 days old"
    // Its generations and flake inputs, where its exporter's /status tells them (not through
    // Prometheus, whose series do not).
    std::optional<Snapshot> snapshot;
    bool operator==(const HostStatus &) const = default;
};

namespace Fleet {
// This machine's verdict plus every host's, each host's findings named after it (message
// "web1:9971: reboot required: ...", key "web1:9971/..."), so that notifications say which
// machine and tell each machine's conditions apart.
Assessment combine(const Assessment &local, const QList<HostStatus> &hosts);
} // namespace Fleet

Q_DECLARE_METATYPE(HostStatus)
