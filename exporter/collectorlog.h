// SPDX-License-Identifier: MIT
#pragma once

#include "collector.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

class StatusMonitor;

// Says in the log when a collector starts failing and when it recovers, so that
// nixos_exporter_collector_success 0 (and the NixOSExporterCollectorFailed alert) can be
// explained from the log: one warning with the reason (the source's SourceStatus error) when
// it starts failing or the reason changes, one info line when it works again. It follows the
// monitor's snapshot changes, never scrapes, so a collector that stays broken is not logged
// again however often it is scraped or rescanned. A source that has no answer yet (the
// upgrade check before its first try) is neither.
class CollectorLog : public QObject
{
    Q_OBJECT
public:
    // Logs what the monitor's current snapshot says, then every change.
    CollectorLog(const StatusMonitor &monitor, const QList<const Collector *> &collectors,
                 QObject *parent = nullptr);

    void update(const Snapshot &snapshot);

private:
    struct State
    {
        bool failing = false;
        QString error;
    };
    const QList<const Collector *> m_collectors;
    QHash<QString, State> m_states;  // by collector name
};
