// SPDX-License-Identifier: MIT
#include "statusreport.h"

#include "statusjson.h"
#include "statustext.h"
#include "systemdiff.h"
#include "terminalcolour.h"
#include "thresholds.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTimeZone>

#include <algorithm>

namespace StatusReport {
namespace {

using Colour = TerminalColour;

class Writer
{
public:
    explicit Writer(bool colour) : m_colour(colour) {}

    QString paint(const QString &text, Colour colour) const { return ::paint(text, colour, m_colour); }
    void line(const QString &text = {}) { m_text += text + QLatin1Char('\n'); }
    // "  label     value"
    void field(const QString &label, const QString &value) { line(QStringLiteral("  %1 %2").arg(label.leftJustified(9), value)); }
    QString text() const { return m_text; }

private:
    bool m_colour;
    QString m_text;
};

QString optionalText(const QJsonValue &value)
{
    return value.isNull() || value.isUndefined() ? QString() : value.toVariant().toString();
}

Colour levelColour(const QString &level)
{
    if (level == QLatin1String("ok"))
        return Colour::Green;
    return level == QLatin1String("error") ? Colour::Red : Colour::Yellow;
}

Colour ageColour(qint64 age)
{
    const qint64 threshold = Thresholds().nixpkgsStaleSeconds;
    if (age > threshold)
        return Colour::Red;
    return age > threshold / 2 ? Colour::Yellow : Colour::None;
}

// "generation 47 · 26.05.20260809.33ddeb9 · kernel 6.12.52"
QString describeSystem(const QJsonValue &generation, const QJsonObject &system, const QString &extra = {})
{
    QStringList parts;
    parts << (generation.isNull() ? QStringLiteral("not a generation") : QStringLiteral("generation %1").arg(generation.toInt()) + extra);
    if (const QString label = optionalText(system[QStringLiteral("label")]); !label.isEmpty())
        parts << label;
    if (const QString kernel = optionalText(system[QStringLiteral("kernel_version")]); !kernel.isEmpty())
        parts << QStringLiteral("kernel ") + kernel;
    return parts.join(QStringLiteral(" · "));
}

void writeSystem(Writer &out, const QJsonObject &status)
{
    const QJsonObject system = status[QStringLiteral("system")].toObject();
    const qint64 now = status[QStringLiteral("generated_at")].toInteger();
    out.line(out.paint(QStringLiteral("System"), Colour::Bold));
    const QJsonValue current = system[QStringLiteral("current_generation")];
    QString built;
    for (const QJsonValue &generation : system[QStringLiteral("generations")].toArray()) {
        if (!current.isNull() && generation[QStringLiteral("number")].toInt() == current.toInt())
            built = QStringLiteral(", built %1 ago").arg(StatusText::age(now - generation[QStringLiteral("created")].toInteger()));
    }
    // What is not known says so, rather than being left out (which reads as "nothing to say").
    const QString unknown = QStringLiteral("unknown");
    if (system[QStringLiteral("current_system")].isNull())
        out.field(QStringLiteral("running"), out.paint(QStringLiteral("unknown (running system unreadable)"), Colour::Red));
    else
        out.field(QStringLiteral("running"), describeSystem(current, system[QStringLiteral("current_system")].toObject(), built));
    if (!system[QStringLiteral("booted_system")].isNull())
        out.field(QStringLiteral("booted"), describeSystem(system[QStringLiteral("booted_generation")],
                                                            system[QStringLiteral("booted_system")].toObject()));
    else
        out.field(QStringLiteral("booted"), unknown);
    if (!system[QStringLiteral("default_generation")].isNull())
        out.field(QStringLiteral("default"), QStringLiteral("generation %1").arg(system[QStringLiteral("default_generation")].toInt()));
    else
        out.field(QStringLiteral("default"), unknown);
    const QJsonValue reboot = system[QStringLiteral("reboot_required")];
    out.field(QStringLiteral("reboot"), reboot.isNull() ? QStringLiteral("unknown (no booted system)")
                                        : reboot.toBool() ? out.paint(QStringLiteral("required"), Colour::Yellow)
                                                          : QStringLiteral("not required"));
    // What a reboot would change, where the Nix database was read (--store, an exporter's
    // store collector); the list is nixos-status diff's.
    const std::optional<SystemDiff> changes = SystemDiff::fromJson(status[QStringLiteral("reboot_changes")].toObject());
    if (changes && !changes->packages.isEmpty())
        out.field(QStringLiteral("pending"),
                  StatusText::packageChanges(changes->packages) + QStringLiteral(", listed by nixos-status diff"));
    const QJsonObject nixpkgs = status[QStringLiteral("nixpkgs")].toObject();
    if (!nixpkgs[QStringLiteral("timestamp")].isNull()) {
        const qint64 age = nixpkgs[QStringLiteral("age_seconds")].toInteger();
        const QString date = QDateTime::fromSecsSinceEpoch(nixpkgs[QStringLiteral("timestamp")].toInteger(), QTimeZone::utc())
                                 .toString(QStringLiteral("yyyy-MM-dd"));
        out.field(QStringLiteral("nixpkgs"), out.paint(QStringLiteral("%1 old").arg(StatusText::age(age)), ageColour(age))
                                                 + QStringLiteral(" (%1)").arg(date));
    } else {
        out.field(QStringLiteral("nixpkgs"), unknown);
    }
}

// The input as a flake reference, the way flake.nix would write it:
// "github:NixOS/nixpkgs/nixos-24.11", "git+https://host/repo?ref=main", "https://.../x.tar.gz".
QString flakeReference(const QJsonObject &input)
{
    const QString type = optionalText(input[QStringLiteral("type")]);
    const QString owner = optionalText(input[QStringLiteral("owner")]);
    const QString url = optionalText(input[QStringLiteral("url")]);
    const QString ref = optionalText(input[QStringLiteral("ref")]);
    if (!owner.isEmpty()) {
        const QString base = QStringLiteral("%1:%2/%3").arg(type, owner, optionalText(input[QStringLiteral("repo")]));
        return ref.isEmpty() ? base : base + QLatin1Char('/') + ref;
    }
    if (type == QLatin1String("git"))
        return QStringLiteral("git+") + url + (ref.isEmpty() ? QString() : QStringLiteral("?ref=") + ref);
    if (type == QLatin1String("path"))
        return QStringLiteral("path:") + url;
    if (type == QLatin1String("indirect"))
        return QStringLiteral("flake:") + url;
    return url.isEmpty() ? type : url;
}

// "12.3 GiB in 123456 paths, 17 GC roots", when the store was read (--store).
void writeStore(Writer &out, const QJsonObject &status)
{
    const QJsonValue store = status[QStringLiteral("store")];
    if (!store.isObject())
        return;  // not read
    if (store[QStringLiteral("size_bytes")].isNull() || store[QStringLiteral("path_count")].isNull()) {
        out.field(QStringLiteral("store"), QStringLiteral("unknown"));
        return;
    }
    QString text = QStringLiteral("%1 in %2 paths")
                       .arg(StatusText::bytes(store[QStringLiteral("size_bytes")].toDouble()))
                       .arg(store[QStringLiteral("path_count")].toInteger());
    if (!store[QStringLiteral("gc_roots")].isNull())
        text += QStringLiteral(", %1 GC roots").arg(store[QStringLiteral("gc_roots")].toInteger());
    out.field(QStringLiteral("store"), text);
}

// "/boot: 86 MiB free, room for 2 more kernels", when the boot source is on.
void writeBoot(Writer &out, const QJsonObject &status)
{
    const QJsonValue boot = status[QStringLiteral("boot")];
    if (!boot.isObject() || boot[QStringLiteral("path")].isNull())
        return;  // not read, or no boot file system (a container)
    const auto number = [&boot](const char *key) {
        const QJsonValue value = boot[QLatin1String(key)];
        return value.isNull() || value.isUndefined() ? std::nullopt : std::optional(value.toInteger());
    };
    out.field(QStringLiteral("boot"), StatusText::boot(boot[QStringLiteral("path")].toString(), number("free_bytes"),
                                                       number("room_for_generations")));
}

// "auto-upgrade: last success 3 days ago, next run tonight 04:40", one line per task that
// exists, when the maintenance collector ran; the time of the report is the document's.
void writeMaintenance(Writer &out, const QJsonObject &status)
{
    const QJsonValue maintenance = status[QStringLiteral("maintenance")];
    const QJsonObject source = status[QStringLiteral("sources")][QStringLiteral("maintenance")].toObject();
    if (!maintenance.isObject())
        return;  // not read
    out.line();
    out.line(out.paint(QStringLiteral("Maintenance"), Colour::Bold));
    if (!source[QStringLiteral("ok")].toBool()) {
        out.line(QStringLiteral("  unknown: %1").arg(optionalText(source[QStringLiteral("error")])));
        return;
    }
    const qint64 now = status[QStringLiteral("generated_at")].toInteger();
    bool any = false;
    for (const QJsonValue &task : maintenance[QStringLiteral("tasks")].toArray()) {
        const Maintenance::TaskState state = StatusJson::taskState(task.toObject());
        if (!state.present)
            continue;
        out.line(QStringLiteral("  ") + StatusText::maintenanceTask(task[QStringLiteral("name")].toString(), state, now));
        any = true;
    }
    if (!any)
        out.line(QStringLiteral("  no auto-upgrade, garbage collection or optimisation units"));
}

void writeFlake(Writer &out, const QJsonObject &status)
{
    const QJsonValue flakeValue = status[QStringLiteral("flake")];
    const QJsonObject source = status[QStringLiteral("sources")][QStringLiteral("flake")].toObject();
    if (flakeValue.isNull() || !source[QStringLiteral("ok")].toBool())
        return;  // not read, or its failure is among the findings
    const QJsonObject flake = flakeValue.toObject();
    QJsonArray inputs = flake[QStringLiteral("inputs")].toArray();
    QList<QJsonObject> sorted;
    for (const QJsonValue &input : inputs)
        sorted.append(input.toObject());
    // Oldest first: what needs an update leads. Inputs without a date go last.
    std::stable_sort(sorted.begin(), sorted.end(), [](const QJsonObject &a, const QJsonObject &b) {
        const QJsonValue ageA = a[QStringLiteral("age_seconds")];
        const QJsonValue ageB = b[QStringLiteral("age_seconds")];
        if (ageA.isNull() != ageB.isNull())
            return ageB.isNull();
        return ageA.toInteger() > ageB.toInteger();
    });
    out.line();
    out.line(out.paint(QStringLiteral("Flake inputs"), Colour::Bold)
             + QStringLiteral(" (%1, oldest first)").arg(optionalText(flake[QStringLiteral("lock_path")])));
    qsizetype width = 0;
    for (const QJsonObject &input : std::as_const(sorted))
        width = std::max(width, input[QStringLiteral("name")].toString().size());
    for (const QJsonObject &input : std::as_const(sorted)) {
        const QJsonValue age = input[QStringLiteral("age_seconds")];
        const QString ageText = age.isNull() ? QStringLiteral("unknown") : StatusText::age(age.toInteger());
        const QString source = flakeReference(input);
        out.line(QStringLiteral("  %1 %2 %3 %4")
                     .arg(input[QStringLiteral("name")].toString().leftJustified(width),
                          out.paint(ageText.leftJustified(9), age.isNull() ? Colour::None : ageColour(age.toInteger())),
                          optionalText(input[QStringLiteral("rev")]).left(12).leftJustified(12), source)
                     .trimmed()
                     .prepend(QStringLiteral("  ")));
    }
}

} // namespace

QString render(const QJsonObject &status, bool colour)
{
    Writer out(colour);
    const QJsonObject assessment = status[QStringLiteral("assessment")].toObject();
    const QString level = assessment[QStringLiteral("level")].toString();
    out.line(QStringLiteral("nixos-status: ") + out.paint(level, levelColour(level)));
    for (const QJsonValue &finding : assessment[QStringLiteral("findings")].toArray())
        out.line(QStringLiteral("  ") + out.paint(QStringLiteral("• ") + finding[QStringLiteral("message")].toString(),
                                                  levelColour(finding[QStringLiteral("level")].toString())));
    out.line();
    writeSystem(out, status);
    writeStore(out, status);
    writeBoot(out, status);
    writeMaintenance(out, status);
    writeFlake(out, status);
    return out.text();
}

ExitCode exitCode(const QJsonObject &status)
{
    const QString level = status[QStringLiteral("assessment")][QStringLiteral("level")].toString();
    if (level == QLatin1String("ok"))
        return Ok;
    return level == QLatin1String("attention") ? Attention : Error;
}

} // namespace StatusReport
