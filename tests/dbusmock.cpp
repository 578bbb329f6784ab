// SPDX-License-Identifier: MIT
#include "dbusmock.h"

#include <QDBusArgument>
#include <QDBusConnectionInterface>
#include <QDBusInterface>
#include <QDBusReply>
#include <QDBusVariant>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QThread>

namespace {
const QString MockInterface = QStringLiteral("org.freedesktop.DBus.Mock");

struct PythonSearch
{
    QString found;
    QStringList tried;
};

// Each PATH entry's python3 in order, asked to import dbusmock. Links to one binary are each
// asked: a venv's python3 links to the system's, with other site-packages.
PythonSearch searchPython()
{
    PythonSearch search;
    QStringList seen;
    const QStringList entries = qEnvironmentVariable("PATH").split(QLatin1Char(':'), Qt::SkipEmptyParts);
    for (const QString &entry : entries) {
        const QFileInfo candidate(QDir(entry).filePath(QStringLiteral("python3")));
        if (!candidate.isExecutable() || candidate.isDir())
            continue;
        if (seen.contains(candidate.absoluteFilePath()))
            continue;
        seen.append(candidate.absoluteFilePath());
        QProcess probe;
        probe.setProcessChannelMode(QProcess::MergedChannels);
        probe.start(candidate.filePath(), {QStringLiteral("-c"), QStringLiteral("import dbusmock")});
        const bool imported = probe.waitForFinished(30'000) && probe.exitStatus() == QProcess::NormalExit
                              && probe.exitCode() == 0;
        if (probe.state() != QProcess::NotRunning) {
            probe.kill();
            probe.waitForFinished();
        }
        if (imported) {
            search.found = candidate.filePath();
            return search;
        }
        search.tried.append(candidate.filePath());
    }
    return search;
}

const PythonSearch &pythonSearch()
{
    static const PythonSearch search = searchPython();
    return search;
}

// D-Bus values inside a QDBusArgument (nested arrays, structs) into plain QVariants.
QVariant plain(const QVariant &value)
{
    if (value.userType() == qMetaTypeId<QDBusVariant>())
        return plain(value.value<QDBusVariant>().variant());
    if (value.userType() != qMetaTypeId<QDBusArgument>())
        return value;
    const QDBusArgument argument = value.value<QDBusArgument>();
    switch (argument.currentType()) {
    case QDBusArgument::ArrayType: {
        QVariantList list;
        argument.beginArray();
        while (!argument.atEnd())
            list.append(plain(argument.asVariant()));
        argument.endArray();
        return list;
    }
    case QDBusArgument::MapType: {
        QVariantMap map;
        argument.beginMap();
        while (!argument.atEnd()) {
            argument.beginMapEntry();
            const QString key = plain(argument.asVariant()).toString();
            map.insert(key, plain(argument.asVariant()));
            argument.endMapEntry();
        }
        argument.endMap();
        return map;
    }
    case QDBusArgument::StructureType: {
        QVariantList fields;
        argument.beginStructure();
        while (!argument.atEnd())
            fields.append(plain(argument.asVariant()));
        argument.endStructure();
        return fields;
    }
    default:
        return argument.asVariant();
    }
}
} // namespace

QString DBusMock::python()
{
    return pythonSearch().found;
}

QByteArray DBusMock::pythonMissing()
{
    const QStringList &tried = pythonSearch().tried;
    const QByteArray packages = "(Debian: python3-dbusmock, nixpkgs: python3.withPackages (p: [ p.python-dbusmock ]))";
    if (tried.isEmpty())
        return "no python3 on PATH to run dbusmock " + packages;
    return "no python3 on PATH can import dbusmock (tried " + tried.join(QStringLiteral(", ")).toLocal8Bit()
           + ") " + packages;
}

DBusMock::~DBusMock()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
    }
}

bool DBusMock::start(const QString &busName, const QString &objectPath, const QString &template_,
                     const QString &parametersJson)
{
    m_busName = busName;
    m_objectPath = objectPath;
    QStringList arguments{QStringLiteral("-m"), QStringLiteral("dbusmock"),
                          m_bus == Bus::System ? QStringLiteral("--system") : QStringLiteral("--session"),
                          QStringLiteral("--template"), template_};
    if (!parametersJson.isEmpty())
        arguments << QStringLiteral("--parameters") << parametersJson;
    const QString interpreter = python();
    if (interpreter.isEmpty()) {
        m_error = QString::fromLocal8Bit(pythonMissing());
        return false;
    }
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(interpreter, arguments);
    QDBusConnectionInterface *bus = connection().interface();
    const QDeadlineTimer deadline(15'000);
    while (!deadline.hasExpired()) {
        if (bus->isServiceRegistered(busName))
            return true;
        if (m_process.state() == QProcess::NotRunning)
            break;
        QThread::msleep(20);
    }
    m_error = QStringLiteral("dbusmock %1 did not appear: %2").arg(template_, QString::fromUtf8(m_process.readAll()));
    return false;
}

QList<QVariantList> DBusMock::calls(const QString &method) const
{
    QDBusInterface mock(m_busName, m_objectPath, MockInterface, connection());
    const QDBusMessage reply = mock.call(QStringLiteral("GetCalls"));
    QList<QVariantList> result;
    if (reply.type() != QDBusMessage::ReplyMessage)
        return result;
    // a(tsav): timestamp, method name, arguments
    for (const QVariant &call : plain(reply.arguments().value(0)).toList()) {
        const QVariantList fields = call.toList();
        if (fields.value(1).toString() == method)
            result.append(fields.value(2).toList());
    }
    return result;
}

void DBusMock::clearCalls() const
{
    QDBusInterface(m_busName, m_objectPath, MockInterface, connection()).call(QStringLiteral("ClearCalls"));
}

bool DBusMock::emitSignal(const QString &interface, const QString &name, const QString &signature,
                          const QVariantList &arguments) const
{
    QVariantList wrapped;
    for (const QVariant &argument : arguments)
        wrapped.append(QVariant::fromValue(QDBusVariant(argument)));
    QDBusInterface mock(m_busName, m_objectPath, MockInterface, connection());
    const QDBusMessage reply = mock.call(QStringLiteral("EmitSignal"), interface, name, signature, wrapped);
    return reply.type() == QDBusMessage::ReplyMessage;
}

QString DBusMock::call(const QString &objectPath, const QString &interface, const QString &method,
                       const QVariantList &arguments) const
{
    QDBusMessage message = QDBusMessage::createMethodCall(m_busName, objectPath, interface, method);
    message.setArguments(arguments);
    const QDBusMessage reply = connection().call(message);
    return reply.type() == QDBusMessage::ReplyMessage ? QString() : reply.errorName() + QStringLiteral(": ") + reply.errorMessage();
}

QDBusConnection DBusMock::connection() const
{
    return m_bus == Bus::System ? QDBusConnection::systemBus() : QDBusConnection::sessionBus();
}
