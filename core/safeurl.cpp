// SPDX-License-Identifier: MIT
#include "safeurl.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

namespace SafeUrl {
namespace {

// Unambiguous wherever they appear in a name: "access_token", "privateToken", "client_secret".
constexpr QLatin1StringView CredentialParts[] = {QLatin1StringView("token"), QLatin1StringView("secret"),
                                                 QLatin1StringView("passw")};
// Credentials only as whole words: as parts of longer words they are everyday ("keyword",
// "signal", "author").
constexpr QLatin1StringView CredentialWords[] = {
    QLatin1StringView("key"),        QLatin1StringView("apikey"),         QLatin1StringView("sig"),
    QLatin1StringView("signature"),  QLatin1StringView("auth"),           QLatin1StringView("authorization"),
    QLatin1StringView("credential"), QLatin1StringView("credentials"),    QLatin1StringView("session"),
    QLatin1StringView("pwd"),        QLatin1StringView("pass")};

// "X-Amz-Signature" -> x, amz, signature; "AWSAccessKeyId" -> awsaccess, key, id.
QStringList wordsOf(QStringView name)
{
    QStringList words;
    QString word;
    QChar previous;
    for (const QChar c : name) {
        if (!c.isLetterOrNumber()) {
            if (!word.isEmpty())
                words.append(word.toLower());
            word.clear();
        } else {
            if (c.isUpper() && previous.isLower() && !word.isEmpty()) {
                words.append(word.toLower());
                word.clear();
            }
            word.append(c);
        }
        previous = c;
    }
    if (!word.isEmpty())
        words.append(word.toLower());
    return words;
}

// "a=1&access_token=x" -> "a=1&access_token=REDACTED"
QString cleanParameters(QStringView parameters)
{
    QStringList cleaned;
    for (const QStringView parameter : parameters.split(QLatin1Char('&'))) {
        const qsizetype equals = parameter.indexOf(QLatin1Char('='));
        if (equals > 0 && isCredentialName(parameter.left(equals)))
            cleaned.append(parameter.left(equals + 1).toString() + Marker);
        else
            cleaned.append(parameter.toString());
    }
    return cleaned.join(QLatin1Char('&'));
}

} // namespace

bool isCredentialName(QStringView name)
{
    const QString decoded = QUrl::fromPercentEncoding(name.toUtf8()).toLower();
    for (const QLatin1StringView part : CredentialParts) {
        if (decoded.contains(part))
            return true;
    }
    const QStringList words = wordsOf(QUrl::fromPercentEncoding(name.toUtf8()));
    for (const QString &word : words) {
        for (const QLatin1StringView credential : CredentialWords) {
            if (word == credential)
                return true;
        }
    }
    return false;
}

QString of(const QString &url)
{
    // Split off the fragment, then the query: each is a list of parameters.
    QStringView rest(url);
    QString fragment;
    if (const qsizetype hash = rest.indexOf(QLatin1Char('#')); hash >= 0) {
        fragment = QLatin1Char('#') + cleanParameters(rest.mid(hash + 1));
        rest = rest.left(hash);
    }
    QString query;
    if (const qsizetype question = rest.indexOf(QLatin1Char('?')); question >= 0) {
        query = QLatin1Char('?') + cleanParameters(rest.mid(question + 1));
        rest = rest.left(question);
    }

    // scheme://[userinfo@]host/path: the userinfo ends at the authority's last '@'.
    QString head = rest.toString();
    static const QRegularExpression authority(QStringLiteral(R"(^([A-Za-z][A-Za-z0-9+.\-]*)://([^/]*))"));
    const QRegularExpressionMatch match = authority.match(head);
    if (match.hasMatch()) {
        const qsizetype at = match.captured(2).lastIndexOf(QLatin1Char('@'));
        const QString userinfo = match.captured(2).left(qMax(at, 0));
        const bool sshUser = match.captured(1).contains(QLatin1String("ssh"), Qt::CaseInsensitive)
                             && !userinfo.contains(QLatin1Char(':'));
        if (!userinfo.isEmpty() && !sshUser)
            head.replace(match.capturedStart(2), userinfo.size(), QString(Marker));
    }
    return head + query + fragment;
}

QString inText(const QString &text)
{
    static const QRegularExpression url(QStringLiteral(R"([A-Za-z][A-Za-z0-9+.\-]*://[^\s"'<>]+)"));
    QString result;
    qsizetype copied = 0;
    QRegularExpressionMatchIterator it = url.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        // Punctuation after a URL belongs to the sentence: "see https://host/x?token=t)."
        QString url = match.captured();
        while (!url.isEmpty() && QStringView(u".,:;!?)]}").contains(url.back()))
            url.chop(1);
        result += QStringView(text).mid(copied, match.capturedStart() - copied);
        result += of(url);
        copied = match.capturedStart() + url.size();
    }
    return copied == 0 ? text : result + text.mid(copied);
}

QJsonValue inJson(const QJsonValue &value)
{
    if (value.isString())
        return inText(value.toString());
    if (value.isArray()) {
        QJsonArray array;
        for (const QJsonValue &element : value.toArray())
            array.append(inJson(element));
        return array;
    }
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            // A "url" field is one URL, however little it looks like one.
            if (it.key() == QLatin1String("url") && it.value().isString())
                it.value() = of(it.value().toString());
            else
                it.value() = inJson(it.value());
        }
        return object;
    }
    return value;
}

} // namespace SafeUrl
