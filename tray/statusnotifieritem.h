// SPDX-License-Identifier: MIT
#pragma once

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusObjectPath>
#include <QDBusServiceWatcher>
#include <QIcon>
#include <QObject>

class DBusMenuExporter;
class QMenu;

// org.kde.StatusNotifierItem, the icon protocol of Plasma, GNOME's AppIndicator extension,
// waybar and others, written here because QSystemTrayIcon's own item is always "Active" and
// titled with the application name: a panel could never tuck away a machine that is fine.
// The item has a session bus connection of its own with a name of the protocol's form, so
// that several items (in tests) do not share object paths; it registers with the panel's
// org.kde.StatusNotifierWatcher whenever one appears, and its menu is a QMenu exported as
// com.canonical.dbusmenu.
class StatusNotifierItem : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.kde.StatusNotifierItem")
    Q_PROPERTY(QString Category READ category)
    Q_PROPERTY(QString Id READ id)
    Q_PROPERTY(QString Title READ title)
    Q_PROPERTY(QString Status READ status)
    Q_PROPERTY(QString IconName READ iconName)
    Q_PROPERTY(StatusNotifierItem::Pixmaps IconPixmap READ iconPixmap)
    Q_PROPERTY(StatusNotifierItem::ToolTip ToolTip READ toolTip)
    Q_PROPERTY(bool ItemIsMenu READ itemIsMenu)
    Q_PROPERTY(QDBusObjectPath Menu READ menuPath)

public:
    // One image of the icon: ARGB32, in network byte order, as the protocol has it.
    struct Pixmap
    {
        int width = 0;
        int height = 0;
        QByteArray argb;
        bool operator==(const Pixmap &) const = default;
    };
    using Pixmaps = QList<Pixmap>;
    struct ToolTip
    {
        QString iconName;
        Pixmaps icon;
        QString title;
        QString description;
    };
    enum class Status { Passive, Active, NeedsAttention };

    static inline const QString WatcherService = QStringLiteral("org.kde.StatusNotifierWatcher");
    static inline const QString ObjectPath = QStringLiteral("/StatusNotifierItem");
    static inline const QString MenuPath = QStringLiteral("/MenuBar");

    StatusNotifierItem(const QString &id, QMenu *menu, QObject *parent = nullptr);
    ~StatusNotifierItem() override;

    // The bus name the item answers on, e.g. org.kde.StatusNotifierItem-1234-1.
    QString service() const { return m_service; }
    // Registered with a watcher, so a panel shows it (or keeps it, Passive, out of the way).
    bool isRegistered() const { return m_registered; }

    void setTitle(const QString &title);
    void setStatus(Status status);
    void setIcon(const QIcon &icon);
    void setToolTip(const QString &title, const QString &description);

    // The property values, as a panel reads them.
    QString category() const { return QStringLiteral("ApplicationStatus"); }
    QString id() const { return m_id; }
    QString title() const { return m_title; }
    QString status() const;
    QString iconName() const { return {}; }  // the icon is drawn, not looked up in a theme
    Pixmaps iconPixmap() const { return m_pixmaps; }
    ToolTip toolTip() const { return {{}, {}, m_toolTipTitle, m_toolTipDescription}; }
    bool itemIsMenu() const { return false; }
    QDBusObjectPath menuPath() const { return QDBusObjectPath(MenuPath); }

    // The sizes drawn for IconPixmap: panels pick the nearest, so 2x scaled panels get
    // 44 and 64 pixel images instead of a blurred 22.
    static Pixmaps pixmaps(const QIcon &icon);

public Q_SLOTS:
    Q_SCRIPTABLE void Activate(int x, int y);
    Q_SCRIPTABLE void SecondaryActivate(int x, int y);
    Q_SCRIPTABLE void ContextMenu(int x, int y);

Q_SIGNALS:
    Q_SCRIPTABLE void NewTitle();
    Q_SCRIPTABLE void NewIcon();
    Q_SCRIPTABLE void NewToolTip();
    Q_SCRIPTABLE void NewStatus(const QString &status);

    void activated();  // a click on the icon
    void registeredChanged(bool registered);

private:
    void registerWithWatcher();
    void setRegistered(bool registered);

    const QString m_id;
    const QString m_service;
    QDBusConnection m_bus;
    QMenu *m_menu;
    std::unique_ptr<DBusMenuExporter> m_menuExporter;
    QDBusServiceWatcher m_watcher;
    bool m_registered = false;
    QString m_title;
    Status m_status = Status::Active;
    Pixmaps m_pixmaps;
    QString m_toolTipTitle;
    QString m_toolTipDescription;
};

Q_DECLARE_METATYPE(StatusNotifierItem::Pixmap)
Q_DECLARE_METATYPE(StatusNotifierItem::ToolTip)

QDBusArgument &operator<<(QDBusArgument &argument, const StatusNotifierItem::Pixmap &pixmap);
const QDBusArgument &operator>>(const QDBusArgument &argument, StatusNotifierItem::Pixmap &pixmap);
QDBusArgument &operator<<(QDBusArgument &argument, const StatusNotifierItem::ToolTip &toolTip);
const QDBusArgument &operator>>(const QDBusArgument &argument, StatusNotifierItem::ToolTip &toolTip);
