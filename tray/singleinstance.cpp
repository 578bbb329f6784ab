// SPDX-License-Identifier: MIT
#include "singleinstance.h"

#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusReply>

SingleInstance::SingleInstance(const QDBusConnection &bus, QObject *parent) : QObject(parent), m_bus(bus)
{
}

SingleInstance::~SingleInstance()
{
    if (!m_registered)
        return;
    m_bus.unregisterService(Service);
    m_bus.unregisterObject(Path);
}

SingleInstance::Claim SingleInstance::claim()
{
    if (!m_bus.isConnected())
        return Claim::NoBus;
    // The object first: whoever sees the name can call Show at once.
    if (!m_bus.registerObject(Path, this, QDBusConnection::ExportScriptableSlots))
        return Claim::HeldByOther;  // the path is taken: another tray in this very process
    const QDBusReply<QDBusConnectionInterface::RegisterServiceReply> reply =
        m_bus.interface()->registerService(Service, QDBusConnectionInterface::DontQueueService,
                                           QDBusConnectionInterface::DontAllowReplacement);
    if (reply.isValid() && reply.value() == QDBusConnectionInterface::ServiceRegistered) {
        m_registered = true;
        return Claim::Claimed;
    }
    m_bus.unregisterObject(Path);
    return Claim::HeldByOther;
}

bool SingleInstance::showOther(QString *error) const
{
    const QDBusMessage reply = m_bus.call(
        QDBusMessage::createMethodCall(Service, Path, Service, QStringLiteral("Show")), QDBus::Block, 10'000);
    if (reply.type() == QDBusMessage::ReplyMessage)
        return true;
    *error = reply.errorMessage();
    return false;
}

void SingleInstance::Show()
{
    Q_EMIT showRequested();
}
