// SPDX-License-Identifier: MIT
#include "landingpage.h"

#include "buildinfo.h"

namespace LandingPage {

QByteArray html(const QStringList &enabledCollectors, const QString &telemetryPath)
{
    QString collectors;
    for (const QString &name : enabledCollectors)
        collectors += QStringLiteral("<li>%1</li>").arg(name.toHtmlEscaped());
    return QStringLiteral(
               "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>NixOS exporter</title></head>\n"
               "<body><h1>NixOS exporter</h1>\n"
               "<p>Version %1 (revision %2)</p>\n"
               "<ul><li><a href=\"%4\">Metrics</a></li>"
               "<li><a href=\"status\">Status (JSON)</a></li></ul>\n"
               "<h2>Enabled collectors</h2><ul>%3</ul>\n</body></html>\n")
        .arg(QLatin1String(BuildInfo::Version), QLatin1String(BuildInfo::Revision), collectors,
             telemetryPath.mid(1).toHtmlEscaped())
        .toUtf8();
}

} // namespace LandingPage
