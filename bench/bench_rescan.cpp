// SPDX-License-Identifier: MIT
// Times what a rescan costs the monitor on a large root (bench/make-scale-root.py), in one run:
//
//   cold          SnapshotReader::read without a cache: every generation's store path read,
//                 the lock parsed (what every scan cost before the cache, and what the first
//                 scan still costs);
//   unchanged     a rescan with the cache of the previous scan, nothing new on disk;
//   new           a rescan after one new generation (its link and store path added, the
//                 system profile pointed at it: nixos-rebuild boot);
//   switch        the same, and /run/current-system pointed at it (nixos-rebuild switch), so
//                 the lock is read from the new system (same bytes, as without a lock update).
//
//   bench_rescan ROOT [--runs N]
//
// Prints one line per case (min/median/max in microseconds and the cold median divided by the
// case's), after checking that each rescan saw what was added. The root is restored at the end.
#include "samples.h"
#include "snapshotreader.h"
#include "systemlayout.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <algorithm>
#include <functional>
#include <unistd.h>
#include <vector>

namespace {

QTextStream out(stdout);

void print(const char *name, const std::vector<double> &us, double coldMedian)
{
    const Samples samples = Samples::of(us);
    samples.print(out, name, "us", 0, QStringLiteral(" cold_over_this=%1").arg(coldMedian / samples.median, 0, 'f', 1));
}

// Adds generations to a scale root as nixos-rebuild would, and takes them away again.
class GenerationWriter
{
public:
    explicit GenerationWriter(const QString &root)
        : m_root(root),
          m_current(linkTarget(SystemLayout::CurrentSystem)),
          m_profile(linkTarget(SystemLayout::SystemProfile))
    {
    }

    ~GenerationWriter()
    {
        relink(SystemLayout::CurrentSystem, m_current);
        relink(SystemLayout::SystemProfile, m_profile);
        for (const QString &path : std::as_const(m_added)) {
            QFileInfo info(path);
            if (info.isDir() && !info.isSymLink())
                QDir(path).removeRecursively();
            else
                QFile::remove(path);
        }
    }

    // A copy of the running system under a new store path, linked as generation number; with
    // switchTo, also the running system. Returns the new store path.
    QString add(int number, bool switchTo)
    {
        const QString name = QStringLiteral("nixos-system-bench-%1").arg(number);
        const QString hash = QString::fromLatin1(
            QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256).toHex().left(32));
        const QString storePath = QStringLiteral("/nix/store/%1-%2").arg(hash, name);
        copyTree(host(m_current), host(storePath));
        m_added.append(host(storePath));
        const QString link = QStringLiteral("/nix/var/nix/profiles/system-%1-link").arg(number);
        relink(link, storePath);
        m_added.append(host(link));
        relink(SystemLayout::SystemProfile, QStringLiteral("system-%1-link").arg(number));
        if (switchTo)
            relink(SystemLayout::CurrentSystem, storePath);
        return storePath;
    }

private:
    QString host(const QString &systemPath) const { return m_root + systemPath; }

    QString linkTarget(const QString &systemPath) const
    {
        const std::optional<QString> target = SystemLayout::hostLinkTarget(QFile::encodeName(host(systemPath)));
        if (!target)
            qFatal("bench_rescan: %s is no link in the root", qPrintable(systemPath));
        return *target;
    }

    // Replaces the link by rename, as nix-env and switch-to-configuration do.
    void relink(const QString &systemPath, const QString &target) const
    {
        const QByteArray path = QFile::encodeName(host(systemPath));
        const QByteArray temporary = path + ".bench-new";
        ::unlink(temporary.constData());
        if (::symlink(QFile::encodeName(target).constData(), temporary.constData()) != 0
            || ::rename(temporary.constData(), path.constData()) != 0)
            qFatal("cannot link %s", path.constData());
    }

    static void copyTree(const QString &from, const QString &to)
    {
        QDir().mkpath(to);
        const QFileInfoList entries = QDir(from).entryInfoList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot);
        for (const QFileInfo &entry : entries) {
            const QString target = to + QLatin1Char('/') + entry.fileName();
            if (entry.isSymLink()) {
                const std::optional<QString> link = SystemLayout::hostLinkTarget(QFile::encodeName(entry.filePath()));
                if (!link || ::symlink(QFile::encodeName(*link).constData(), QFile::encodeName(target).constData()) != 0)
                    qFatal("cannot copy the link %s", qPrintable(entry.filePath()));
            } else if (entry.isDir()) {
                copyTree(entry.filePath(), target);
            } else if (!QFile::copy(entry.filePath(), target)) {
                qFatal("cannot copy %s", qPrintable(entry.filePath()));
            }
        }
    }

    const QString m_root;
    const QString m_current;  // what the links named before, restored at the end
    const QString m_profile;
    QStringList m_added;
};

// Times read runs times; prepare before and verify after each run are not timed.
std::vector<double> timeRuns(int runs, const std::function<void()> &prepare, const std::function<void()> &read,
                             const std::function<void()> &verify)
{
    std::vector<double> us;
    QElapsedTimer timer;
    for (int i = 0; i < runs; ++i) {
        prepare();
        timer.start();
        read();
        us.push_back(timer.nsecsElapsed() / 1000.0);
        verify();
    }
    return us;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    if (args.isEmpty()) {
        out << "usage: bench_rescan ROOT [--runs N]\n";
        return 2;
    }
    const QString root = QDir(args.takeFirst()).absolutePath();
    int runs = 10;
    if (args.size() == 2 && args.first() == QLatin1String("--runs"))
        runs = std::max(1, args.last().toInt());
    else if (!args.isEmpty()) {
        out << "bench_rescan: unknown argument " << args.first() << '\n';
        return 2;
    }

    const SystemLayout layout(root);
    ReadOptions options;
    options.flake = true;
    Snapshot snapshot;
    const auto check = [&](bool ok, const char *what) {
        if (!ok || !snapshot.generationStatus.ok || !snapshot.flakeStatus.ok)
            qFatal("bench_rescan: %s (generations: %s; flake: %s)", what,
                   qPrintable(snapshot.generationStatus.error), qPrintable(snapshot.flakeStatus.error));
    };

    const auto nothing = [] {};
    const std::vector<double> cold = timeRuns(runs, nothing, [&] { snapshot = SnapshotReader::read(layout, options); }, nothing);
    const qsizetype generations = snapshot.generations.generations.size();
    out << "generations=" << generations << " flake_inputs=" << snapshot.flake.lock.inputs.size() << Qt::endl;
    check(generations > 0, "no generations");
    const Snapshot coldSnapshot = snapshot;
    const double coldMedian = Samples::of(cold).median;
    print("cold", cold, coldMedian);

    SnapshotReader::Cache cache;
    const auto rescan = [&] { snapshot = SnapshotReader::read(layout, options, cache); };
    rescan();  // the monitor's first scan: fills the cache
    const std::vector<double> unchanged = timeRuns(runs, nothing, rescan, [&] {
        Snapshot compared = snapshot;
        compared.collectedAt = coldSnapshot.collectedAt;
        compared.generationStatus.seconds = coldSnapshot.generationStatus.seconds;
        compared.flakeStatus.seconds = coldSnapshot.flakeStatus.seconds;
        check(compared == coldSnapshot, "the rescan differs from the full read");
    });
    print("unchanged", unchanged, coldMedian);

    GenerationWriter writer(root);
    int number = snapshot.generations.generations.last().number;
    QString added;
    for (const bool switchTo : {false, true}) {
        const std::vector<double> us = timeRuns(runs, [&] { added = writer.add(++number, switchTo); }, rescan, [&] {
            const Generation &last = snapshot.generations.generations.last();
            check(last.number == number && last.system.storePath == added
                      && snapshot.generations.defaultGeneration == number
                      && (!switchTo || snapshot.generations.currentGeneration == number),
                  "the rescan missed the new generation");
        });
        print(switchTo ? "switch" : "new", us, coldMedian);
    }
    return 0;
}
