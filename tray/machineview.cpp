// SPDX-License-Identifier: MIT
#include "machineview.h"

#include "snapshot.h"
#include "statustext.h"
#include "trayicon.h"

#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QTimeZone>
#include <QVBoxLayout>

#include <algorithm>

namespace {

constexpr int IconSize = 48;
constexpr int MaxGenerationRows = 6;  // more scroll: the newest matter
// Packages named in the line under the verdict, and in its tooltip; `nixos-status diff` has all.
constexpr qsizetype NamedChanges = 3;
constexpr qsizetype MaxDetailLines = 40;

// Meanings, as hues mixed into the palette's base colour, so that a tinted cell keeps the
// palette's own text colour readable in light and dark themes alike. The hues are Breeze's
// positive, neutral and negative colours.
enum class Health { None, Fresh, Ageing, Stale };

QColor tint(const QPalette &palette, Health health)
{
    const QColor hue = health == Health::Stale    ? QColor(0xda, 0x44, 0x53)
                       : health == Health::Ageing ? QColor(0xf6, 0x74, 0x00)
                                                  : QColor(0x27, 0xae, 0x60);
    const QColor base = palette.color(QPalette::Base);
    // A dark base needs more of the hue to show it at all.
    const qreal share = base.lightnessF() < 0.5 ? 0.45 : 0.25;
    return QColor::fromRgbF(base.redF() * (1 - share) + hue.redF() * share,
                            base.greenF() * (1 - share) + hue.greenF() * share,
                            base.blueF() * (1 - share) + hue.blueF() * share);
}

// A line of StatusText as a sentence, except where it starts with a name written in lower case.
QString sentence(QString text)
{
    if (!text.isEmpty() && !text.startsWith(QLatin1String("nixpkgs")))
        text[0] = text[0].toUpper();
    return text;
}

bool hasCode(const Assessment &assessment, QLatin1String code)
{
    return std::any_of(assessment.findings.cbegin(), assessment.findings.cend(),
                       [&](const Assessment::Finding &finding) { return finding.code == code; });
}

// The machine's name as a sentence starts with it ("This machine") and inside one.
struct MachineName
{
    QString first;
    QString inside;
};

// One sentence: what the machine needs, not how it was found out.
QString verdictOf(const MachineName &machine, const Assessment &assessment)
{
    if (assessment.level == Assessment::Level::Error)
        return QStringLiteral("The state of %1 cannot be read.").arg(machine.inside);
    if (assessment.findings.isEmpty())
        return QStringLiteral("All is well on %1.").arg(machine.inside);
    return QStringLiteral("%1 %2.").arg(machine.first, MachineView::needs(assessment));
}

QTableWidgetItem *cell(const QString &text, const QString &toolTip = {})
{
    auto *item = new QTableWidgetItem(text);
    item->setToolTip(toolTip.isEmpty() ? text : toolTip);
    return item;
}

void setupTable(QTableWidget &table, const QStringList &headers)
{
    table.setColumnCount(int(headers.size()));
    table.setHorizontalHeaderLabels(headers);
    table.setEditTriggers(QAbstractItemView::NoEditTriggers);
    table.setSelectionBehavior(QAbstractItemView::SelectRows);
    table.setFocusPolicy(Qt::NoFocus);
    table.setShowGrid(false);
    table.setAlternatingRowColors(true);
    table.setWordWrap(false);
    table.verticalHeader()->hide();
    table.verticalHeader()->setDefaultSectionSize(table.fontMetrics().height() + 8);
    // Every column as wide as its contents, whatever is filled in later; the last one takes the rest.
    table.horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table.horizontalHeader()->setStretchLastSection(true);
    table.horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    table.horizontalHeader()->setHighlightSections(false);
}

// A section's title, in the style of a settings page: bold, a little space above.
void setupTitle(QLabel &label, const QString &text)
{
    label.setText(text);
    QFont font = label.font();
    font.setBold(true);
    label.setFont(font);
    label.setContentsMargins(0, 8, 0, 0);
}

void setupNote(QLabel &note)
{
    note.setWordWrap(true);
    note.setTextInteractionFlags(Qt::TextSelectableByMouse);
    note.setForegroundRole(QPalette::PlaceholderText);
}

// Where nixpkgs' age comes from when no lock says it: the running system's NixOS label.
QString labelSource(const Snapshot &snapshot, qint64 now)
{
    if (!snapshot.generations.currentSystem || snapshot.generations.currentSystem->version.label.isEmpty())
        return QStringLiteral("The running system has no readable NixOS label either, so nixpkgs' age is unknown.");
    const NixosVersion &version = snapshot.generations.currentSystem->version;
    if (!version.nixpkgsDate)
        return QStringLiteral("nixpkgs' age would come from the running system's NixOS label, %1, "
                              "but it carries no date.").arg(version.label);
    return QStringLiteral("nixpkgs' age comes from the running system's NixOS label instead: %1, "
                          "built from nixpkgs of %2 (%3 ago).")
        .arg(version.label,
             QDateTime::fromSecsSinceEpoch(*version.nixpkgsDate, QTimeZone::utc()).date().toString(Qt::ISODate),
             StatusText::age(now - *version.nixpkgsDate));
}

// "linux 6.6.58 → 6.6.60", "ripgrep 14.1.1 (new)", "nano 8.2 (removed)"
QString changeText(const PackageChange &change)
{
    if (change.before.isEmpty())
        return QStringLiteral("%1 %2 (new)").arg(change.name, PackageChange::versionsText(change.after));
    if (change.after.isEmpty())
        return QStringLiteral("%1 %2 (removed)").arg(change.name, PackageChange::versionsText(change.before));
    return QStringLiteral("%1 %2 → %3").arg(change.name, PackageChange::versionsText(change.before), PackageChange::versionsText(change.after));
}

// What the reboot is for (the kernel, systemd) first, then in the diff's order.
QList<PackageChange> byImportance(const PackageDiff &diff)
{
    QList<PackageChange> changes = diff.changes;
    std::stable_partition(changes.begin(), changes.end(), [](const PackageChange &change) {
        return change.name == QLatin1String("linux") || change.name == QLatin1String("systemd");
    });
    return changes;
}

// "A reboot would change 12 packages (10 upgraded, 2 added): linux 6.6.58 → 6.6.60, ... and 9 more."
QString rebootChangesLine(const PackageDiff &diff)
{
    const QList<PackageChange> changes = byImportance(diff);
    QStringList named;
    for (qsizetype i = 0; i < std::min(NamedChanges, changes.size()); ++i)
        named.append(changeText(changes[i]));
    QString line = QStringLiteral("A reboot would change %1: %2")
                       .arg(StatusText::packageChanges(diff), named.join(QStringLiteral(", ")));
    if (changes.size() > NamedChanges)
        line += QStringLiteral(" and %1 more").arg(changes.size() - NamedChanges);
    return line + QLatin1Char('.');
}

// Every change by kind, as `nixos-status diff` lists them, up to a screenful.
QString changeList(const SystemDiff &diff)
{
    QStringList lines{QStringLiteral("Booted → running system:")};
    for (const PackageChange::Kind kind : PackageChange::Kinds) {
        if (const qsizetype count = diff.packages.count(kind))
            lines.append(QStringLiteral("%1 (%2):").arg(sentence(PackageDiff::kindName(kind))).arg(count));
        for (const PackageChange &change : diff.packages.changes) {
            if (change.kind == kind)
                lines.append(QStringLiteral("    ") + changeText(change));
        }
    }
    if (lines.size() > MaxDetailLines) {
        const qsizetype cut = lines.size() - MaxDetailLines;
        lines.resize(MaxDetailLines);
        lines.append(QStringLiteral("… %1 more lines: nixos-status diff shows them all.").arg(cut));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

MachineView::MachineView(QWidget *parent) : QWidget(parent), m_actions(new QHBoxLayout)
{
    m_icon.setFixedSize(IconSize, IconSize);
    QFont large = m_verdict.font();
    large.setPointSizeF(large.pointSizeF() * 1.4);
    large.setBold(true);
    m_verdict.setFont(large);
    m_verdict.setWordWrap(true);
    m_reasons.setWordWrap(true);
    m_reasons.setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_rebootChanges.setWordWrap(true);
    m_rebootChanges.setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_actions->setSpacing(6);

    auto *words = new QVBoxLayout;
    words->setSpacing(4);
    words->addWidget(&m_verdict);
    words->addWidget(&m_reasons);
    words->addWidget(&m_rebootChanges);
    auto *header = new QHBoxLayout;
    header->setSpacing(12);
    header->addWidget(&m_icon, 0, Qt::AlignTop);
    header->addLayout(words, 1);
    header->addLayout(m_actions);
    m_actions->setAlignment(Qt::AlignTop);

    m_facts.setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_facts.setWordWrap(true);
    setupTable(m_generations, {QStringLiteral("Generation"), QStringLiteral("State"), QStringLiteral("Built"),
                               QStringLiteral("NixOS"), QStringLiteral("Kernel"), QStringLiteral("Specialisations")});
    // As tall as its rows (below), so no horizontal scroll bar may take their room: a column
    // cut short has its whole text as a tooltip.
    m_generations.setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setupNote(m_generationsNote);
    setupNote(m_elsewhere);
    setupTitle(m_systemTitle, QStringLiteral("System"));
    setupTitle(m_generationsTitle, QStringLiteral("Generations"));
    setupTitle(m_inputsTitle, QStringLiteral("Flake inputs"));
    setupTable(m_inputs, {QStringLiteral("Input"), QStringLiteral("Age"), QStringLiteral("Health"),
                          QStringLiteral("Branch"), QStringLiteral("Revision"), QStringLiteral("Source")});
    setupNote(m_inputsNote);

    m_layout = new QVBoxLayout(this);
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(6);
    m_layout->addLayout(header);
    m_layout->addWidget(&m_systemTitle);
    m_layout->addWidget(&m_facts);
    m_layout->addWidget(&m_elsewhere);
    m_layout->addWidget(&m_generationsTitle);
    m_layout->addWidget(&m_generationsNote);
    m_layout->addWidget(&m_generations);
    m_layout->addWidget(&m_inputsTitle);
    m_layout->addWidget(&m_inputsNote);
    m_layout->addWidget(&m_inputs, 1);
    m_layout->addStretch(0);
}

QString MachineView::needs(const Assessment &assessment)
{
    if (assessment.level == Assessment::Level::Error)
        return QStringLiteral("cannot be read");
    const bool reboot = hasCode(assessment, QLatin1String("reboot-required"));
    const bool behind = std::any_of(assessment.findings.cbegin(), assessment.findings.cend(),
                                    [](const Assessment::Finding &finding) { return finding.code != QLatin1String("reboot-required"); });
    if (reboot && behind)
        return QStringLiteral("needs a reboot and an update");
    if (reboot)
        return QStringLiteral("needs a reboot");
    if (behind)
        return QStringLiteral("needs an update");
    return QStringLiteral("all is well");
}

void MachineView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_refill) {
        // A copy: the set* it calls replaces m_refill, whose captures are its arguments.
        const std::function<void()> refill = m_refill;
        refill();
    }
}

void MachineView::setHeader(const QString &first, const QString &inside, const Assessment &assessment)
{
    m_assessment = assessment;
    m_verdict.setText(verdictOf({first, inside}, assessment));
    QStringList reasons;
    for (const Assessment::Finding &finding : assessment.findings)
        reasons.append(QStringLiteral("• ") + sentence(finding.message));
    m_reasons.setText(reasons.join(QLatin1Char('\n')));
    m_reasons.setVisible(!reasons.isEmpty());
    updateIcon();
}

void MachineView::showRebootChanges(const std::optional<SystemDiff> &changes, const Assessment &assessment)
{
    const bool shown = changes && !changes->packages.isEmpty() && hasCode(assessment, QLatin1String("reboot-required"));
    m_rebootChanges.setText(shown ? rebootChangesLine(changes->packages) : QString());
    m_rebootChanges.setToolTip(shown ? changeList(*changes) : QString());
    m_rebootChanges.setVisible(shown);
}

void MachineView::updateIcon()
{
    // Drawn at the screen's scale from the SVG, so it stays sharp at 2×.
    m_icon.setPixmap(QIcon(TrayIcon::iconPath(TrayIcon::stateOf(m_assessment)))
                         .pixmap(QSize(IconSize, IconSize), devicePixelRatioF()));
}

void MachineView::setStatus(const Snapshot &snapshot, const Assessment &assessment, const Thresholds &thresholds, qint64 now)
{
    m_refill = [this, snapshot, assessment, thresholds, now] { setStatus(snapshot, assessment, thresholds, now); };
    setHeader(QStringLiteral("This machine"), QStringLiteral("this machine"), assessment);
    showRebootChanges(snapshot.rebootChanges, assessment);
    // The header already says the findings; the section says what is, whatever lines the
    // core adds.
    QStringList facts;
    for (const QString &line : StatusText::lines(snapshot, assessment, now)) {
        const bool finding = std::any_of(assessment.findings.cbegin(), assessment.findings.cend(),
                                         [&](const Assessment::Finding &f) { return f.message == line; });
        if (!finding)
            facts.append(sentence(line));
    }
    m_facts.setText(facts.join(QLatin1Char('\n')));
    fillGenerations(snapshot, now);
    fillInputs(snapshot, thresholds, now, {});
    showSections(true);
}

void MachineView::setHost(const HostStatus &host, const Thresholds &thresholds, qint64 now)
{
    m_refill = [this, host, thresholds, now] { setHost(host, thresholds, now); };
    setHeader(host.host, host.host, host.assessment);
    showRebootChanges(host.snapshot ? host.snapshot->rebootChanges : std::nullopt, host.assessment);
    QStringList facts;
    for (const QString &part : host.summary.split(QStringLiteral(" · "), Qt::SkipEmptyParts))
        facts.append(sentence(part));
    m_facts.setText(facts.join(QLatin1Char('\n')));
    if (host.snapshot) {
        fillGenerations(*host.snapshot, now);
        fillInputs(*host.snapshot, thresholds, now, host.host);
        showSections(true);
        return;
    }
    m_elsewhere.setText(QStringLiteral("%1's generations and flake inputs are not known here: Prometheus (or an "
                                       "exporter older than its /status) tells only its verdict and these lines.")
                            .arg(host.host));
    showSections(false);
}

void MachineView::showSections(bool local)
{
    m_elsewhere.setVisible(!local);
    for (QWidget *widget : {static_cast<QWidget *>(&m_generationsTitle), static_cast<QWidget *>(&m_inputsTitle),
                            static_cast<QWidget *>(&m_inputsNote)})
        widget->setVisible(local);
    if (!local) {
        m_generations.hide();
        m_generationsNote.hide();
        m_inputs.hide();
    }
    // Without the inputs' table, the space left goes below everything, not between the lines.
    m_layout->setStretch(m_layout->count() - 1, m_inputs.isHidden() ? 1 : 0);
}

void MachineView::fillGenerations(const Snapshot &snapshot, qint64 now)
{
    const GenerationState &state = snapshot.generations;
    m_generationsNote.setVisible(state.generations.isEmpty());
    m_generations.setVisible(!state.generations.isEmpty());
    if (!state.generationsListed)
        m_generationsNote.setText(QStringLiteral("The system profiles cannot be listed: %1")
                                      .arg(state.problems.join(QStringLiteral("; "))));
    else if (state.generations.isEmpty())
        m_generationsNote.setText(QStringLiteral("There are no system generations in /nix/var/nix/profiles: "
                                                 "this system was not installed with nixos-rebuild."));

    m_generations.setRowCount(int(state.generations.size()));
    int row = 0;
    for (auto it = state.generations.crbegin(); it != state.generations.crend(); ++it, ++row) {
        // The words of the CLI's report.
        QStringList marks;
        if (state.currentGeneration == it->number)
            marks << QStringLiteral("running");
        if (state.bootedGeneration == it->number)
            marks << QStringLiteral("booted");
        if (state.defaultGeneration == it->number)
            marks << QStringLiteral("default");
        const QDateTime built = QDateTime::fromSecsSinceEpoch(it->created);
        m_generations.setItem(row, 0, cell(QString::number(it->number)));
        m_generations.setItem(row, 1, cell(marks.join(QStringLiteral(", "))));
        m_generations.setItem(row, 2, cell(QStringLiteral("%1 ago").arg(StatusText::age(now - it->created)),
                                           QLocale().toString(built, QLocale::LongFormat)));
        m_generations.setItem(row, 3, cell(it->system.version.label));
        m_generations.setItem(row, 4, cell(it->system.kernelVersion));
        m_generations.setItem(row, 5, cell(it->system.specialisations.join(QStringLiteral(", "))));
        if (state.currentGeneration == it->number) {
            for (int column = 0; column < m_generations.columnCount(); ++column) {
                QFont font = m_generations.item(row, column)->font();
                font.setBold(true);
                m_generations.item(row, column)->setFont(font);
            }
        }
    }
    // As tall as its rows, up to a few: the inputs below get the rest.
    const int rows = std::min<int>(m_generations.rowCount(), MaxGenerationRows);
    m_generations.setFixedHeight(m_generations.horizontalHeader()->sizeHint().height()
                                 + rows * m_generations.verticalHeader()->defaultSectionSize()
                                 + 2 * m_generations.frameWidth());
}

void MachineView::fillInputs(const Snapshot &snapshot, const Thresholds &thresholds, qint64 now, const QString &remote)
{
    const QList<FlakeInput> &inputs = snapshot.flake.lock.inputs;
    if (!snapshot.flakeStatus.enabled && !remote.isEmpty())
        m_inputsNote.setText(QStringLiteral("The exporter on %1 does not read its flake.lock (--collector.flake). ").arg(remote)
                             + labelSource(snapshot, now));
    else if (!snapshot.flakeStatus.enabled)
        m_inputsNote.setText(QStringLiteral("No flake.lock in /run/current-system or /etc/nixos: this looks like a "
                                            "system built from channels. ")
                             + labelSource(snapshot, now));
    else if (!snapshot.flakeStatus.ok)
        m_inputsNote.setText(QStringLiteral("The flake.lock cannot be read: %1. ").arg(snapshot.flakeStatus.error)
                             + labelSource(snapshot, now));
    else if (inputs.isEmpty())
        m_inputsNote.setText(QStringLiteral("%1 locks no inputs. ").arg(snapshot.flake.lockPath) + labelSource(snapshot, now));
    else
        m_inputsNote.setText(QStringLiteral("From %1. nixpkgs is judged by its age (stale after %2) and whether its "
                                            "branch still gets updates; the other inputs are listed with their age.")
                                 .arg(snapshot.flake.lockPath, StatusText::age(thresholds.nixpkgsStaleSeconds)));
    m_inputs.setVisible(!inputs.isEmpty());

    // nixpkgs first: it is what the verdict is about.
    QList<FlakeInput> ordered;
    QList<const NixpkgsInputHealth *> health;
    for (const NixpkgsInputHealth &nixpkgs : snapshot.flake.nixpkgs) {
        for (const FlakeInput &input : inputs) {
            if (input.name == nixpkgs.input) {
                ordered.append(input);
                health.append(&nixpkgs);
            }
        }
    }
    for (const FlakeInput &input : inputs) {
        if (!std::any_of(ordered.cbegin(), ordered.cend(), [&](const FlakeInput &o) { return o.name == input.name; })) {
            ordered.append(input);
            health.append(nullptr);
        }
    }

    m_inputs.setRowCount(int(ordered.size()));
    for (int row = 0; row < ordered.size(); ++row) {
        const FlakeInput &input = ordered[row];
        // (A plain number and a flag: GCC 12 warns about an optional's value here.)
        const bool known = input.lastModified.has_value();
        const qint64 age = known ? now - *input.lastModified : 0;
        m_inputs.setItem(row, InputName, cell(input.name));
        m_inputs.setItem(row, InputAge, cell(known ? StatusText::age(age) : QStringLiteral("unknown")));
        m_inputs.setItem(row, InputBranch, cell(input.ref));
        m_inputs.setItem(row, InputRevision, cell(input.rev.left(12), input.rev));
        m_inputs.setItem(row, InputSource, cell(input.owner.isEmpty() ? input.type
                                                                      : QStringLiteral("%1:%2/%3").arg(input.type, input.owner, input.repo)));
        Health verdict = Health::None;
        QStringList words;
        if (const NixpkgsInputHealth *nixpkgs = health[row]) {
            if (!nixpkgs->ref.isEmpty() && !nixpkgs->maintained) {
                verdict = Health::Stale;
                words << QStringLiteral("branch gets no more updates");
            }
            if (!known) {
                words << QStringLiteral("age unknown");
            } else if (age > thresholds.nixpkgsStaleSeconds) {
                verdict = Health::Stale;
                words.prepend(QStringLiteral("stale"));
            } else if (age > thresholds.nixpkgsStaleSeconds / 2) {
                verdict = std::max(verdict, Health::Ageing);
                words.prepend(QStringLiteral("ageing"));
            } else {
                verdict = std::max(verdict, Health::Fresh);
                words.prepend(QStringLiteral("fresh"));
            }
        }
        m_inputs.setItem(row, InputHealth, cell(words.join(QStringLiteral(", "))));
        if (verdict != Health::None) {
            const QColor colour = tint(palette(), verdict);  // (the table inherits it after this widget)
            for (int column = 0; column < m_inputs.columnCount(); ++column)
                m_inputs.item(row, column)->setBackground(colour);
        }
    }
}
