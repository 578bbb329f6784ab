// SPDX-License-Identifier: MIT
// `nixos-status diff` against `nix store diff-closures` on the same two systems of a real
// Nix store (tests/nixstore.h: nix-build writes them, 2,000 packages each by default), run
// alternately in one run, as a user runs them: a process each, wall time. Also the part
// that is ours in process: two closures from the database and the package diff.
//
//   closure_diff [--packages N] [--runs N]
//
// Prints min/median/max in milliseconds and the ratio of the medians.
#include "nixdatabase.h"
#include "nixstore.h"
#include "packagediff.h"
#include "samples.h"
#include "systemlayout.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <vector>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    QTextStream out(stdout);
    int packages = 2000, runs = 21;
    while (!args.isEmpty()) {
        const QString arg = args.takeFirst();
        if (arg == QLatin1String("--packages") && !args.isEmpty())
            packages = std::max(10, args.takeFirst().toInt());
        else if (arg == QLatin1String("--runs") && !args.isEmpty())
            runs = std::max(1, args.takeFirst().toInt());
        else {
            out << "usage: closure_diff [--packages N] [--runs N]\n";
            return 2;
        }
    }
    if (const QString missing = NixStore::missingTool(); !missing.isEmpty()) {
        out << missing << " is not on PATH (Debian: nix-bin)" << Qt::endl;
        return 1;
    }
    QTemporaryDir root;
    NixStore store(root.path());
    QElapsedTimer timer;
    timer.start();
    QStringList systems;
    for (int step = 0; step < 2; ++step) {
        const std::optional<QString> system = store.build(NixStore::sample(packages, step));
        if (!system) {
            out << "nix-build failed: " << store.error() << Qt::endl;
            return 1;
        }
        systems.append(*system);
    }
    out << "store packages=" << packages << " written_ms=" << timer.elapsed() << Qt::endl;

    std::vector<double> ours, nix, inProcess;
    qsizetype changes = 0;
    for (int i = 0; i < runs; ++i) {
        QProcess process;
        process.setStandardOutputFile(QProcess::nullDevice());
        timer.restart();
        process.start(QStringLiteral(NIXOS_STATUS_BINARY),
                      {QStringLiteral("diff"), QStringLiteral("--root"), root.path(), systems[0], systems[1]});
        if (!process.waitForFinished(60'000) || process.exitCode() != 0) {
            out << "nixos-status diff failed: " << process.readAllStandardError() << Qt::endl;
            return 1;
        }
        ours.push_back(timer.nsecsElapsed() / 1e6);

        timer.restart();
        const auto theirs = store.diffClosures(systems[0], systems[1]);
        nix.push_back(timer.nsecsElapsed() / 1e6);
        if (!theirs) {
            out << "nix store diff-closures failed: " << store.error() << Qt::endl;
            return 1;
        }

        timer.restart();
        NixDatabase database{SystemLayout(root.path())};
        QString error;
        const std::optional<StoreClosure> before = database.closure(systems[0], &error);
        const std::optional<StoreClosure> after = database.closure(systems[1], &error);
        if (!before || !after) {
            out << "closure: " << error << Qt::endl;
            return 1;
        }
        changes = PackageDiff::between(*before, *after).changes.size();
        inProcess.push_back(timer.nsecsElapsed() / 1e6);
        if (changes != theirs->size()) {
            out << "the diffs differ: " << changes << " changes here, " << theirs->size() << " from nix" << Qt::endl;
            return 1;
        }
    }
    out << "changed packages=" << changes << Qt::endl;
    const Samples oursSamples = Samples::of(ours), nixSamples = Samples::of(nix);
    oursSamples.print(out, "nixos-status_diff", "ms", 2);
    nixSamples.print(out, "nix_store_diff-closures", "ms", 2);
    Samples::of(inProcess).print(out, "in_process_closures+diff", "ms", 2);
    out << "ratio nix/nixos-status=" << QString::number(nixSamples.median / oursSamples.median, 'f', 2) << Qt::endl;
    return 0;
}
