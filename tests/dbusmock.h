// SPDX-License-Identifier: MIT
#pragma once

#include <QDBusConnection>
#include <QProcess>
#include <QStringList>
#include <QVariantList>

// A python3-dbusmock server on the session bus (the test runs under dbus-run-session), or on
// the "system" bus that DBUS_SYSTEM_BUS_ADDRESS names (a test points it at its private bus):
// start it from a template, read the calls it received, make it emit signals.
class DBusMock
{
public:
    enum class Bus { Session, System };
    explicit DBusMock(Bus bus = Bus::Session) : m_bus(bus) {}

    // The first python3 on PATH that can `import dbusmock`, or empty. Debian's python3-dbusmock
    // is importable only by Debian's python3, which need not come first on PATH (pyenv, venvs);
    // nixpkgs' is a python3.withPackages. Asked once per process.
    static QString python();
    // Why python() is empty: every python3 tried, or that there was none on PATH.
    static QByteArray pythonMissing();

    ~DBusMock();

    // template_ is a dbusmock template name or a path to a template file.
    bool start(const QString &busName, const QString &objectPath, const QString &template_,
               const QString &parametersJson = {});
    QString error() const { return m_error; }

    // The arguments of every call of `method`, oldest first.
    QList<QVariantList> calls(const QString &method) const;
    void clearCalls() const;
    bool emitSignal(const QString &interface, const QString &name, const QString &signature,
                    const QVariantList &arguments) const;
    // Calls a method of one of the mock's objects (the mock interface's AddMethod,
    // AddProperties, UpdateProperties, or a template's own); the error's message, or empty.
    QString call(const QString &objectPath, const QString &interface, const QString &method,
                 const QVariantList &arguments) const;

private:
    QDBusConnection connection() const;

    Bus m_bus;
    QProcess m_process;
    QString m_busName;
    QString m_objectPath;
    QString m_error;
};
