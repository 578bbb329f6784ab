// SPDX-License-Identifier: MIT
#include "dbusmenuexporter.h"

#include <QAction>
#include <QDBusMetaType>
#include <QEvent>
#include <QGuiApplication>
#include <QMenu>

namespace {
// Qt marks the mnemonic with & (&& is a literal one), dbusmenu with _ (__ is a literal one).
QString dbusmenuLabel(const QString &text)
{
    QString label;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('&') && i + 1 < text.size()) {
            ++i;
            if (text.at(i) != QLatin1Char('&'))
                label += QLatin1Char('_');
            label += text.at(i);
        } else if (c == QLatin1Char('_')) {
            label += QStringLiteral("__");
        } else {
            label += c;
        }
    }
    return label;
}

QVariantMap filtered(const QVariantMap &properties, const QStringList &names)
{
    if (names.isEmpty())
        return properties;  // the protocol: an empty list asks for all
    QVariantMap result;
    for (const QString &name : names) {
        if (properties.contains(name))
            result.insert(name, properties.value(name));
    }
    return result;
}
} // namespace

DBusMenuExporter::DBusMenuExporter(QDBusConnection bus, const QString &path, QMenu *menu, QObject *parent)
    : QObject(parent), m_bus(std::move(bus)), m_path(path), m_menu(menu)
{
    qDBusRegisterMetaType<Layout>();
    qDBusRegisterMetaType<ItemProperties>();
    qDBusRegisterMetaType<QList<ItemProperties>>();
    m_layoutChanged.setSingleShot(true);
    m_layoutChanged.setInterval(0);
    connect(&m_layoutChanged, &QTimer::timeout, this, [this] { Q_EMIT LayoutUpdated(++m_revision, 0); });
    watch(menu);
    m_bus.registerObject(m_path, this,
                         QDBusConnection::ExportScriptableSlots | QDBusConnection::ExportScriptableSignals
                             | QDBusConnection::ExportAllProperties);
}

DBusMenuExporter::~DBusMenuExporter()
{
    m_bus.unregisterObject(m_path);
}

QString DBusMenuExporter::textDirection() const
{
    return QGuiApplication::layoutDirection() == Qt::RightToLeft ? QStringLiteral("rtl") : QStringLiteral("ltr");
}

QVariantMap DBusMenuExporter::propertiesOf(const QAction *action)
{
    QVariantMap properties;
    if (action->isSeparator()) {
        properties.insert(QStringLiteral("type"), QStringLiteral("separator"));
    } else {
        properties.insert(QStringLiteral("label"), dbusmenuLabel(action->text()));
        if (action->menu())
            properties.insert(QStringLiteral("children-display"), QStringLiteral("submenu"));
    }
    if (!action->isEnabled())
        properties.insert(QStringLiteral("enabled"), false);
    if (!action->isVisible())
        properties.insert(QStringLiteral("visible"), false);
    return properties;
}

void DBusMenuExporter::watch(QMenu *menu)
{
    // Installing twice is harmless: Qt keeps one filter per object.
    menu->installEventFilter(this);
}

bool DBusMenuExporter::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::ActionAdded:
    case QEvent::ActionChanged:
    case QEvent::ActionRemoved:
        m_layoutChanged.start();
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

int DBusMenuExporter::idOf(QAction *action)
{
    if (const auto known = m_ids.constFind(action); known != m_ids.constEnd())
        return *known;
    const int id = m_nextId++;
    m_ids.insert(action, id);
    m_actions.insert(id, action);
    connect(action, &QObject::destroyed, this, [this, action, id] {
        m_ids.remove(action);
        m_actions.remove(id);
    });
    return id;
}

QMenu *DBusMenuExporter::menuOf(int id) const
{
    if (id == 0)
        return m_menu;
    const QAction *action = m_actions.value(id);
    return action ? action->menu() : nullptr;
}

DBusMenuExporter::Layout DBusMenuExporter::layoutOf(int id, QMenu *submenu, int depth, const QStringList &propertyNames)
{
    Layout layout;
    layout.id = id;
    if (id == 0)
        layout.properties.insert(QStringLiteral("children-display"), QStringLiteral("submenu"));
    else if (const QAction *action = m_actions.value(id))
        layout.properties = filtered(propertiesOf(action), propertyNames);
    if (!submenu || depth == 0)
        return layout;
    watch(submenu);
    for (QAction *action : submenu->actions())
        layout.children.append(layoutOf(idOf(action), action->menu(), depth - 1, propertyNames));
    return layout;
}

uint DBusMenuExporter::GetLayout(int parentId, int recursionDepth, const QStringList &propertyNames, Layout &layout)
{
    // A depth of -1 is "all of it": counting down from -1 never reaches 0.
    layout = layoutOf(parentId, menuOf(parentId), recursionDepth, propertyNames);
    return m_revision;
}

QList<DBusMenuExporter::ItemProperties> DBusMenuExporter::GetGroupProperties(const QList<int> &ids,
                                                                             const QStringList &propertyNames)
{
    QList<ItemProperties> result;
    for (const int id : ids) {
        if (const QAction *action = m_actions.value(id))
            result.append({id, filtered(propertiesOf(action), propertyNames)});
    }
    return result;
}

QDBusVariant DBusMenuExporter::GetProperty(int id, const QString &name)
{
    const QAction *action = m_actions.value(id);
    return QDBusVariant(action ? propertiesOf(action).value(name) : QVariant());
}

void DBusMenuExporter::Event(int id, const QString &eventId, const QDBusVariant &, uint)
{
    QAction *action = m_actions.value(id);
    // "opened", "closed" and "hovered" need nothing: the menu is up to date at all times.
    if (action && eventId == QLatin1String("clicked") && !action->menu() && action->isEnabled())
        action->trigger();
}

bool DBusMenuExporter::AboutToShow(int)
{
    return false;  // nothing is filled in lazily: no update needed
}

QDBusArgument &operator<<(QDBusArgument &argument, const DBusMenuExporter::Layout &layout)
{
    argument.beginStructure();
    argument << layout.id << layout.properties;
    // Children are variants, each holding a layout: the type is recursive.
    argument.beginArray(qMetaTypeId<QDBusVariant>());
    for (const DBusMenuExporter::Layout &child : layout.children)
        argument << QDBusVariant(QVariant::fromValue(child));
    argument.endArray();
    argument.endStructure();
    return argument;
}

const QDBusArgument &operator>>(const QDBusArgument &argument, DBusMenuExporter::Layout &layout)
{
    argument.beginStructure();
    argument >> layout.id >> layout.properties;
    argument.beginArray();
    layout.children.clear();
    while (!argument.atEnd()) {
        QDBusVariant child;
        argument >> child;
        DBusMenuExporter::Layout childLayout;
        child.variant().value<QDBusArgument>() >> childLayout;
        layout.children.append(childLayout);
    }
    argument.endArray();
    argument.endStructure();
    return argument;
}

QDBusArgument &operator<<(QDBusArgument &argument, const DBusMenuExporter::ItemProperties &item)
{
    argument.beginStructure();
    argument << item.id << item.properties;
    argument.endStructure();
    return argument;
}

const QDBusArgument &operator>>(const QDBusArgument &argument, DBusMenuExporter::ItemProperties &item)
{
    argument.beginStructure();
    argument >> item.id >> item.properties;
    argument.endStructure();
    return argument;
}
