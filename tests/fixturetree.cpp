// SPDX-License-Identifier: MIT
#include "fixturetree.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {
// A store path name as Nix makes them: 32 base-32 characters, a dash, a name.
QString storePath(const QString &name)
{
    const QByteArray hash = QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256)
                                .toHex()
                                .left(32);
    return QStringLiteral("/nix/store/%1-%2").arg(QString::fromLatin1(hash), name);
}
} // namespace

FixtureTree::FixtureTree()
{
    QVERIFY2(m_dir.isValid(), "cannot create a temporary directory");
    for (const char *dir : {"/nix/store", "/nix/var/nix/profiles", "/run", "/etc/nixos"})
        QDir().mkpath(hostPath(QLatin1String(dir)));
}

QString FixtureTree::hostPath(const QString &systemPath) const
{
    return m_dir.path() + systemPath;
}

QString FixtureTree::addSystem(const SystemSpec &spec)
{
    const QString kernel = storePath(QStringLiteral("linux-%1").arg(spec.kernelVersion));
    const QString modules = storePath(QStringLiteral("linux-%1-modules").arg(spec.kernelVersion));
    const QString initrd = storePath(QStringLiteral("initrd-linux-%1").arg(spec.kernelVersion));
    const QString systemd = storePath(QStringLiteral("systemd-%1").arg(spec.systemdVersion));
    writeFile(kernel + QStringLiteral("/bzImage"), "kernel");
    QDir().mkpath(hostPath(modules + QStringLiteral("/lib/modules/") + spec.kernelVersion));
    writeFile(initrd + QStringLiteral("/initrd"), "initrd");
    QDir().mkpath(hostPath(systemd + QStringLiteral("/bin")));

    const QString system = storePath(QStringLiteral("nixos-system-%1-%2").arg(spec.name, spec.label));
    writeFile(system + QStringLiteral("/nixos-version"), spec.label.toUtf8());
    writeFile(system + QStringLiteral("/init-interface-version"), spec.initInterfaceVersion.toUtf8());
    symlink(system + QStringLiteral("/kernel"), kernel + QStringLiteral("/bzImage"));
    symlink(system + QStringLiteral("/kernel-modules"), modules);
    symlink(system + QStringLiteral("/initrd"), initrd + QStringLiteral("/initrd"));
    symlink(system + QStringLiteral("/systemd"), systemd);
    return system;
}

void FixtureTree::addGeneration(int number, const QString &storePath, qint64 created)
{
    const QString link = QStringLiteral("/nix/var/nix/profiles/system-%1-link").arg(number);
    symlink(link, storePath);
    setLinkMTime(link, created);
}

void FixtureTree::setDefaultGeneration(int number)
{
    // Relative, as nix-env writes it.
    symlink(QStringLiteral("/nix/var/nix/profiles/system"), QStringLiteral("system-%1-link").arg(number));
}

void FixtureTree::setCurrentSystem(const QString &target)
{
    symlink(QStringLiteral("/run/current-system"), target);
}

void FixtureTree::setBootedSystem(const QString &target)
{
    symlink(QStringLiteral("/run/booted-system"), target);
}

void FixtureTree::writeFile(const QString &systemPath, const QByteArray &contents)
{
    QDir().mkpath(QFileInfo(hostPath(systemPath)).path());
    QFile file(hostPath(systemPath));
    QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file.errorString()));
    file.write(contents);
}

void FixtureTree::symlink(const QString &linkPath, const QString &target)
{
    const QString host = hostPath(linkPath);
    QDir().mkpath(QFileInfo(host).path());
    const QByteArray temporary = QFile::encodeName(host + QStringLiteral(".tmp"));
    ::unlink(temporary.constData());
    QVERIFY2(::symlink(QFile::encodeName(target).constData(), temporary.constData()) == 0,
             qPrintable(linkPath));
    QVERIFY2(::rename(temporary.constData(), QFile::encodeName(host).constData()) == 0,
             qPrintable(linkPath));
}

void FixtureTree::setLinkMTime(const QString &systemPath, qint64 seconds)
{
    const struct timespec times[2] = {{time_t(seconds), 0}, {time_t(seconds), 0}};
    QVERIFY2(::utimensat(AT_FDCWD, QFile::encodeName(hostPath(systemPath)).constData(), times,
                         AT_SYMLINK_NOFOLLOW) == 0,
             qPrintable(systemPath));
}
