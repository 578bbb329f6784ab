// SPDX-License-Identifier: MIT
#pragma once

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusVariant>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QAction;
class QMenu;

// A QMenu on D-Bus as com.canonical.dbusmenu (version 3), the menu protocol of
// StatusNotifierItem panels: Plasma and GNOME's AppIndicator extension draw the menu
// themselves from its layout and send a "clicked" event back, which triggers the action.
// Any change to the menu (an action added, removed, relabelled, hidden) is announced as a
// new layout revision; the menu is small, so panels simply read all of it again.
class DBusMenuExporter : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "com.canonical.dbusmenu")
    Q_PROPERTY(uint Version READ version)
    Q_PROPERTY(QString TextDirection READ textDirection)
    Q_PROPERTY(QString Status READ status)
    Q_PROPERTY(QStringList IconThemePath READ iconThemePath)

public:
    // An item and, to the depth asked for, its children: D-Bus (ia{sv}av).
    struct Layout
    {
        int id = 0;
        QVariantMap properties;
        QList<Layout> children;
    };
    // An item's properties without its children: D-Bus (ia{sv}).
    struct ItemProperties
    {
        int id = 0;
        QVariantMap properties;
    };

    DBusMenuExporter(QDBusConnection bus, const QString &path, QMenu *menu, QObject *parent = nullptr);
    ~DBusMenuExporter() override;

    uint version() const { return 3; }
    QString textDirection() const;
    QString status() const { return QStringLiteral("normal"); }
    QStringList iconThemePath() const { return {}; }

    // What a QAction is in dbusmenu's words: label (with _ as the mnemonic), enabled,
    // visible, separator, submenu. Properties at their default are left out, as the
    // protocol allows.
    static QVariantMap propertiesOf(const QAction *action);

public Q_SLOTS:
    Q_SCRIPTABLE uint GetLayout(int parentId, int recursionDepth, const QStringList &propertyNames,
                                DBusMenuExporter::Layout &layout);
    Q_SCRIPTABLE QList<DBusMenuExporter::ItemProperties> GetGroupProperties(const QList<int> &ids,
                                                                            const QStringList &propertyNames);
    Q_SCRIPTABLE QDBusVariant GetProperty(int id, const QString &name);
    Q_SCRIPTABLE void Event(int id, const QString &eventId, const QDBusVariant &data, uint timestamp);
    Q_SCRIPTABLE bool AboutToShow(int id);

Q_SIGNALS:
    Q_SCRIPTABLE void LayoutUpdated(uint revision, int parent);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    int idOf(QAction *action);
    QMenu *menuOf(int id) const;  // 0 is the root menu; otherwise the submenu of an action
    Layout layoutOf(int id, QMenu *submenu, int depth, const QStringList &propertyNames);
    void watch(QMenu *menu);

    QDBusConnection m_bus;
    QString m_path;
    QPointer<QMenu> m_menu;
    QHash<int, QPointer<QAction>> m_actions;
    QHash<const QAction *, int> m_ids;
    int m_nextId = 1;
    uint m_revision = 1;
    QTimer m_layoutChanged;  // several changes in one pass of the event loop are one revision
};

Q_DECLARE_METATYPE(DBusMenuExporter::Layout)
Q_DECLARE_METATYPE(DBusMenuExporter::ItemProperties)

QDBusArgument &operator<<(QDBusArgument &argument, const DBusMenuExporter::Layout &layout);
const QDBusArgument &operator>>(const QDBusArgument &argument, DBusMenuExporter::Layout &layout);
QDBusArgument &operator<<(QDBusArgument &argument, const DBusMenuExporter::ItemProperties &item);
const QDBusArgument &operator>>(const QDBusArgument &argument, DBusMenuExporter::ItemProperties &item);
