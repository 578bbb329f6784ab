// SPDX-License-Identifier: MIT
#include "hoststatus.h"

namespace Fleet {

Assessment combine(const Assessment &local, const QList<HostStatus> &hosts)
{
    Assessment combined = local;
    for (const HostStatus &host : hosts) {
        for (Assessment::Finding finding : host.assessment.findings) {
            finding.message = QStringLiteral("%1: %2").arg(host.host, finding.message);
            finding.key = host.host + QLatin1Char('/') + finding.key;
            combined.findings.append(finding);
        }
        combined.level = std::max(combined.level, host.assessment.level);
    }
    return combined;
}

} // namespace Fleet
