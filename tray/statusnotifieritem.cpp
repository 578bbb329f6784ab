// SPDX-License-Identifier: MIT
#include "statusnotifieritem.h"

#include "dbusmenuexporter.h"

#include <QCoreApplication>
#include <QDBusConnectionInterface>
#include <QDBusMetaType>
#include <QDBusPendingCallWatcher>
#include <QImage>
#include <QMenu>
#include <QtEndian>

namespace {
const QString WatcherPath = QStringLiteral("/StatusNotifierWatcher");

// The protocol's bus name: unique per process and item.
QString serviceName()
{
    static int items = 0;
    return QStringLiteral("org.kde.StatusNotifierItem-%1-%2").arg(QCoreApplication::applicationPid()).arg(++items);
}
} // namespace

StatusNotifierItem::StatusNotifierItem(const QString &id, QMenu *menu, QObject *parent)
    : QObject(parent),
      m_id(id),
      m_service(serviceName()),
      m_bus(QDBusConnection::connectToBus(QDBusConnection::SessionBus, m_service)),
      m_menu(menu),
      m_watcher(WatcherService, m_bus, QDBusServiceWatcher::WatchForRegistration | QDBusServiceWatcher::WatchForUnregistration)
{
    qDBusRegisterMetaType<Pixmap>();
    qDBusRegisterMetaType<Pixmaps>();
    qDBusRegisterMetaType<ToolTip>();
    if (!m_bus.isConnected())
        return;  // no session bus: no panel can show this item
    m_menuExporter = std::make_unique<DBusMenuExporter>(m_bus, MenuPath, menu);
    m_bus.registerObject(ObjectPath, this,
                         QDBusConnection::ExportScriptableSlots | QDBusConnection::ExportScriptableSignals
                             | QDBusConnection::ExportAllProperties);
    m_bus.registerService(m_service);
    // A panel restarted, or started after us: register (again) with its watcher.
    connect(&m_watcher, &QDBusServiceWatcher::serviceRegistered, this, &StatusNotifierItem::registerWithWatcher);
    connect(&m_watcher, &QDBusServiceWatcher::serviceUnregistered, this, [this] { setRegistered(false); });
    if (m_bus.interface()->isServiceRegistered(WatcherService))
        registerWithWatcher();
}

StatusNotifierItem::~StatusNotifierItem()
{
    m_menuExporter.reset();
    QDBusConnection::disconnectFromBus(m_service);
}

void StatusNotifierItem::registerWithWatcher()
{
    QDBusMessage call = QDBusMessage::createMethodCall(WatcherService, WatcherPath, WatcherService,
                                                       QStringLiteral("RegisterStatusNotifierItem"));
    call << m_service;
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *reply) {
        reply->deleteLater();
        setRegistered(!reply->isError());
    });
}

void StatusNotifierItem::setRegistered(bool registered)
{
    if (registered == m_registered)
        return;
    m_registered = registered;
    Q_EMIT registeredChanged(registered);
}

QString StatusNotifierItem::status() const
{
    switch (m_status) {
    case Status::Passive: return QStringLiteral("Passive");
    case Status::Active: return QStringLiteral("Active");
    case Status::NeedsAttention: return QStringLiteral("NeedsAttention");
    }
    Q_UNREACHABLE();
}

void StatusNotifierItem::setTitle(const QString &title)
{
    if (title == m_title)
        return;
    m_title = title;
    Q_EMIT NewTitle();
}

void StatusNotifierItem::setStatus(Status status)
{
    if (status == m_status)
        return;
    m_status = status;
    Q_EMIT NewStatus(this->status());
}

void StatusNotifierItem::setIcon(const QIcon &icon)
{
    m_pixmaps = pixmaps(icon);
    Q_EMIT NewIcon();
}

void StatusNotifierItem::setToolTip(const QString &title, const QString &description)
{
    if (title == m_toolTipTitle && description == m_toolTipDescription)
        return;
    m_toolTipTitle = title;
    m_toolTipDescription = description;
    Q_EMIT NewToolTip();
}

StatusNotifierItem::Pixmaps StatusNotifierItem::pixmaps(const QIcon &icon)
{
    Pixmaps result;
    for (const int size : {16, 22, 24, 32, 44, 48, 64}) {
        const QImage image = icon.pixmap(QSize(size, size), 1.0).toImage().convertToFormat(QImage::Format_ARGB32);
        if (image.isNull())
            continue;
        Pixmap pixmap{image.width(), image.height(), QByteArray(image.width() * image.height() * 4, Qt::Uninitialized)};
        auto *argb = reinterpret_cast<quint32 *>(pixmap.argb.data());
        for (int y = 0; y < image.height(); ++y) {
            const auto *line = reinterpret_cast<const quint32 *>(image.constScanLine(y));
            for (int x = 0; x < image.width(); ++x)
                argb[y * image.width() + x] = qToBigEndian(line[x]);
        }
        result.append(pixmap);
    }
    return result;
}

void StatusNotifierItem::Activate(int, int)
{
    Q_EMIT activated();
}

void StatusNotifierItem::SecondaryActivate(int, int)
{
    Q_EMIT activated();  // a middle click: nothing else to offer
}

void StatusNotifierItem::ContextMenu(int x, int y)
{
    // Only panels without com.canonical.dbusmenu ask for this; they give screen coordinates.
    m_menu->popup(QPoint(x, y));
}

QDBusArgument &operator<<(QDBusArgument &argument, const StatusNotifierItem::Pixmap &pixmap)
{
    argument.beginStructure();
    argument << pixmap.width << pixmap.height << pixmap.argb;
    argument.endStructure();
    return argument;
}

const QDBusArgument &operator>>(const QDBusArgument &argument, StatusNotifierItem::Pixmap &pixmap)
{
    argument.beginStructure();
    argument >> pixmap.width >> pixmap.height >> pixmap.argb;
    argument.endStructure();
    return argument;
}

QDBusArgument &operator<<(QDBusArgument &argument, const StatusNotifierItem::ToolTip &toolTip)
{
    argument.beginStructure();
    argument << toolTip.iconName << toolTip.icon << toolTip.title << toolTip.description;
    argument.endStructure();
    return argument;
}

const QDBusArgument &operator>>(const QDBusArgument &argument, StatusNotifierItem::ToolTip &toolTip)
{
    argument.beginStructure();
    argument >> toolTip.iconName >> toolTip.icon >> toolTip.title >> toolTip.description;
    argument.endStructure();
    return argument;
}
