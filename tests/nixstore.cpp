// SPDX-License-Identifier: MIT
#include "nixstore.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

namespace {

const QString Expression = QStringLiteral(NIXOS_TEST_DATA "/nixstore/system.nix");
const QStringList Tools{"nix-build", "nix-env", "nix", "sh", "mkdir", "ln"};

QString tool(const QString &name)
{
    return QStandardPaths::findExecutable(name);
}

// What the sandbox must show the builders: the top directory of each tool (the host's /usr,
// say) and the directories the dynamic loader and libc live in.
QString sandboxPaths()
{
    QStringList paths;
    for (const QString &name : {QStringLiteral("sh"), QStringLiteral("mkdir"), QStringLiteral("ln")}) {
        const QString program = QFileInfo(tool(name)).canonicalFilePath();
        paths.append(QLatin1Char('/') + program.section(QLatin1Char('/'), 1, 1));
    }
    for (const QString &libraries : {QStringLiteral("/lib"), QStringLiteral("/lib64")}) {
        if (QFileInfo::exists(libraries))
            paths.append(libraries);
    }
    paths.removeDuplicates();
    return paths.join(QLatin1Char(' '));
}

QString lastLines(const QByteArray &output)
{
    QStringList lines = QString::fromUtf8(output).trimmed().split(QLatin1Char('\n'));
    return lines.mid(std::max<qsizetype>(0, lines.size() - 5)).join(QStringLiteral(" | "));
}

// "∅" → none, "ε" → "", else the versions joined by ", ".
QStringList versions(const QString &text)
{
    if (text == QStringLiteral("∅"))
        return {};
    QStringList list = text.split(QStringLiteral(", "));
    for (QString &version : list) {
        if (version == QStringLiteral("ε"))
            version.clear();
    }
    return list;
}

} // namespace

QString NixStore::missingTool()
{
    for (const QString &name : Tools) {
        if (tool(name).isEmpty())
            return name;
    }
    return {};
}

NixStore::NixStore(const QString &root) : m_root(root)
{
    m_environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "NIX_CONF_DIR"})
        m_environment.insert(QLatin1String(name), m_home.path());
    for (const char *name : {"NIX_REMOTE", "NIX_PATH", "NIX_USER_CONF_FILES", "NIX_CONFIG"})
        m_environment.remove(QLatin1String(name));
}

QString NixStore::storeUri() const
{
    return QStringLiteral("local?root=") + m_root;
}

QStringList NixStore::options() const
{
    return {QStringLiteral("--store"), storeUri(),
            QStringLiteral("--option"), QStringLiteral("sandbox"), QStringLiteral("false"),
            QStringLiteral("--option"), QStringLiteral("build-users-group"), QString(),
            QStringLiteral("--option"), QStringLiteral("substituters"), QString(),
            QStringLiteral("--option"), QStringLiteral("sandbox-paths"), sandboxPaths()};
}

bool NixStore::run(const QString &program, const QStringList &arguments, QString *out)
{
    QProcess process;
    process.setProcessEnvironment(m_environment);
    process.start(tool(program), arguments);
    if (!process.waitForFinished(300'000)) {
        m_error = QStringLiteral("%1 did not finish: %2").arg(program, process.errorString());
        process.kill();
        process.waitForFinished();
        return false;
    }
    const QByteArray output = process.readAllStandardOutput();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        m_error = QStringLiteral("%1 failed: %2").arg(program, lastLines(process.readAllStandardError()));
        return false;
    }
    if (out)
        *out = QString::fromUtf8(output);
    return true;
}

std::optional<QString> NixStore::build(const System &system)
{
    QJsonArray packages;
    for (const Package &package : system.packages)
        packages.append(QJsonObject{{"name", package.name},
                                    {"version", package.version},
                                    {"outputs", QJsonArray::fromStringList(package.outputs)}});
    const QJsonObject spec{{"hostName", system.hostName},
                           {"label", system.label},
                           {"kernel", system.kernelVersion},
                           {"specialisations", QJsonArray::fromStringList(system.specialisations)},
                           {"packages", packages}};
    QFile file(m_home.filePath(QStringLiteral("spec.json")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(QJsonDocument(spec).toJson()) < 0) {
        m_error = file.errorString();
        return std::nullopt;
    }
    file.close();
    QString out;
    const QStringList arguments = QStringList{Expression, QStringLiteral("--no-out-link"), QStringLiteral("--quiet")}
                                  + options()
                                  + QStringList{QStringLiteral("--argstr"), QStringLiteral("spec"), file.fileName(),
                                                QStringLiteral("--argstr"), QStringLiteral("sh"), QFileInfo(tool("sh")).canonicalFilePath(),
                                                QStringLiteral("--argstr"), QStringLiteral("mkdir"), QFileInfo(tool("mkdir")).canonicalFilePath(),
                                                QStringLiteral("--argstr"), QStringLiteral("ln"), QFileInfo(tool("ln")).canonicalFilePath()};
    if (!run(QStringLiteral("nix-build"), arguments, &out))
        return std::nullopt;
    return out.trimmed();
}

bool NixStore::setSystemProfile(const QString &storePath)
{
    const QString profile = m_root + QStringLiteral("/nix/var/nix/profiles/system");
    QDir().mkpath(QFileInfo(profile).path());
    return run(QStringLiteral("nix-env"),
               options() + QStringList{QStringLiteral("-p"), profile, QStringLiteral("--set"), storePath});
}

std::optional<QMap<QString, QPair<QStringList, QStringList>>> NixStore::diffClosures(const QString &before,
                                                                                  const QString &after)
{
    QString out;
    if (!run(QStringLiteral("nix"), QStringList{QStringLiteral("--extra-experimental-features"), QStringLiteral("nix-command"),
                                                QStringLiteral("store"), QStringLiteral("diff-closures")}
                                        + options() + QStringList{before, after},
             &out))
        return std::nullopt;
    // "name: 1.0, 1.1 → 1.2, +12.5 KiB" (the size may be coloured); size-only lines have no arrow.
    static const QRegularExpression ansi(QStringLiteral("\x1b\\[[0-9;]*m"));
    static const QRegularExpression line(QStringLiteral("^(.*?): (.*) → (.*?)(, [+-][0-9.]+ [KMGT]?i?B)?$"));
    QMap<QString, QPair<QStringList, QStringList>> changes;
    for (QString text : out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        text.remove(ansi);
        const QRegularExpressionMatch match = line.match(text);
        if (match.hasMatch())
            changes.insert(match.captured(1), {versions(match.captured(2)), versions(match.captured(3))});
    }
    return changes;
}

NixStore::System NixStore::sample(int packages, int step)
{
    System system;
    system.label = QStringLiteral("24.11.202412%1.abcdef%2").arg(step + 1, 2, 10, QLatin1Char('0')).arg(step);
    system.kernelVersion = QStringLiteral("6.6.%1").arg(58 + step);
    system.specialisations = {QStringLiteral("gaming")};
    const bool changed = step >= 1;
    system.packages = {{QStringLiteral("systemd"), changed ? QStringLiteral("257.1") : QStringLiteral("256.8"),
                        {QStringLiteral("out"), QStringLiteral("man"), QStringLiteral("dev")}},
                       {QStringLiteral("openssl"), QStringLiteral("3.0.15"),
                        {QStringLiteral("bin"), QStringLiteral("out"), QStringLiteral("dev")}},
                       {QStringLiteral("firefox"), changed ? QStringLiteral("132.0.1") : QStringLiteral("131.0"), {}},
                       {QStringLiteral("etc"), QString(), {}}};
    if (!changed)
        system.packages.append({QStringLiteral("nano"), QStringLiteral("8.2"), {}});
    else
        system.packages.append({QStringLiteral("ripgrep"), QStringLiteral("14.1.1"), {}});
    for (int i = int(system.packages.size()); i < packages; ++i) {
        Package package{QStringLiteral("pkg%1").arg(i), QStringLiteral("1.%1.%2").arg(i % 7).arg(i % 20 == 0 ? step : 0), {}};
        if (i % 500 == 3)
            package.version = changed ? QStringLiteral("1.9") : QStringLiteral("2.0");
        if (i % 200 == 7 && changed)
            package.name = QStringLiteral("new%1").arg(i); // removed pkgN, added newN
        system.packages.append(package);
    }
    return system;
}
