// SPDX-License-Identifier: MIT
#include "collectorlog.h"

#include "statusmonitor.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcCollectors, "nixos.exporter.collectors", QtInfoMsg)

CollectorLog::CollectorLog(const StatusMonitor &monitor, const QList<const Collector *> &collectors,
                           QObject *parent)
    : QObject(parent), m_collectors(collectors)
{
    connect(&monitor, &StatusMonitor::snapshotChanged, this, &CollectorLog::update);
    update(monitor.snapshot());
}

void CollectorLog::update(const Snapshot &snapshot)
{
    for (const Collector *collector : m_collectors) {
        const SourceStatus &status = snapshot.*collector->status;
        if (!status.enabled || status.underWay)
            continue;  // no answer yet: neither failing nor working
        State &state = m_states[collector->name];
        const QString error = status.error.isEmpty() ? QStringLiteral("no reason given") : status.error;
        if (!status.ok && !state.failing) {
            qCWarning(lcCollectors).noquote() << "collector" << collector->name << "failed:" << error;
        } else if (!status.ok && state.error != error) {
            qCWarning(lcCollectors).noquote()
                << "collector" << collector->name << "still failing, now:" << error;
        } else if (status.ok && state.failing) {
            qCInfo(lcCollectors).noquote() << "collector" << collector->name << "works again";
        }
        state.failing = !status.ok;
        state.error = status.ok ? QString() : error;
    }
}
