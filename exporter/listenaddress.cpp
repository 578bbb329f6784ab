// SPDX-License-Identifier: MIT
#include "listenaddress.h"

#include <algorithm>

std::optional<ListenAddress> ListenAddress::parse(const QString &text, QString *error)
{
    const auto fail = [&](const QString &why) {
        *error = QStringLiteral("bad listen address \"%1\": %2 (expected [host]:port, e.g. :9971)")
                     .arg(text, why);
        return std::nullopt;
    };
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon < 0)
        return fail(QStringLiteral("no port"));
    // toUInt() alone would also take " 80" and "+80": a port is ASCII digits and nothing else.
    const QString portText = text.mid(colon + 1);
    bool isNumber = std::all_of(portText.cbegin(), portText.cend(),
                                [](QChar c) { return c >= u'0' && c <= u'9'; });
    const uint port = isNumber ? portText.toUInt(&isNumber) : 0;
    if (!isNumber || port > 65535)
        return fail(QStringLiteral("port must be a number from 0 to 65535"));

    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    else if (host.contains(QLatin1Char(':')))
        return fail(QStringLiteral("an IPv6 address needs brackets"));

    ListenAddress address;
    address.port = quint16(port);
    if (host.isEmpty())
        address.host = QHostAddress::Any;
    else if (host == QLatin1String("localhost"))
        address.host = QHostAddress::LocalHost;
    // QHostAddress also takes inet_aton shorthands ("1" is 0.0.0.1, "127.1" is 127.0.0.1);
    // an IPv4 address must be written out as the dotted quad it stands for.
    else if (!address.host.setAddress(host)
             || (address.host.protocol() == QAbstractSocket::IPv4Protocol
                 && address.host.toString() != host))
        return fail(QStringLiteral("\"%1\" is not an IP address").arg(host));
    return address;
}

QString ListenAddress::toString() const
{
    if (host == QHostAddress::Any)
        return QStringLiteral(":%1").arg(port);
    if (host.protocol() == QAbstractSocket::IPv6Protocol)
        return QStringLiteral("[%1]:%2").arg(host.toString()).arg(port);
    return QStringLiteral("%1:%2").arg(host.toString()).arg(port);
}

std::optional<QList<ListenAddress>> ListenAddress::parseList(const QStringList &texts, QString *error)
{
    QList<ListenAddress> addresses;
    for (const QString &text : texts) {
        const std::optional<ListenAddress> address = parse(text, error);
        if (!address)
            return std::nullopt;
        for (const ListenAddress &earlier : std::as_const(addresses)) {
            if (address->port != 0 && earlier.port == address->port && earlier.host == address->host) {
                *error = QStringLiteral("listen address \"%1\" given twice").arg(text);
                return std::nullopt;
            }
        }
        addresses.append(*address);
    }
    if (addresses.isEmpty()) {
        *error = QStringLiteral("no listen address (expected [host]:port, e.g. :9971)");
        return std::nullopt;
    }
    return addresses;
}

QString ListenAddress::join(const QList<ListenAddress> &addresses)
{
    QStringList texts;
    for (const ListenAddress &address : addresses)
        texts.append(address.toString());
    return texts.join(QStringLiteral(", "));
}
