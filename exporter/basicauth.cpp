// SPDX-License-Identifier: MIT
#include "basicauth.h"

#include <QDeadlineTimer>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

#include <crypt.h>

#include <algorithm>
#include <memory>

namespace {
// Longer Authorization values are not worth decoding: the user and password of a basic
// auth header are short.
constexpr qsizetype MaxHeaderLength = 4096;

bool isBase64Char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
           || c == '/' || c == '=';
}

bool isBlank(char c) { return c == ' ' || c == '\t'; }

qint64 monotonicNowMs() { return QDeadlineTimer::current().deadline(); }
} // namespace

std::optional<Credentials> parseBasicAuthorization(QByteArrayView header)
{
    if (header.size() > MaxHeaderLength)
        return std::nullopt;
    // Optional white space around the field value (RFC 9110 5.5).
    while (!header.isEmpty() && isBlank(header.front()))
        header = header.sliced(1);
    while (!header.isEmpty() && isBlank(header.back()))
        header.chop(1);
    // The scheme is case-insensitive and followed by at least one space (RFC 9110 11.4).
    constexpr QByteArrayView scheme("Basic");
    if (header.size() <= scheme.size() || !isBlank(header[scheme.size()])
        || QByteArrayView(header.first(scheme.size())).compare(scheme, Qt::CaseInsensitive) != 0)
        return std::nullopt;
    QByteArrayView token = header.sliced(scheme.size());
    while (!token.isEmpty() && isBlank(token.front()))
        token = token.sliced(1);
    if (token.isEmpty() || token.size() % 4 != 0
        || !std::all_of(token.begin(), token.end(), isBase64Char))
        return std::nullopt;
    // Padding only at the end, at most two.
    const qsizetype firstPad = token.indexOf('=');
    if (firstPad >= 0 && (firstPad < token.size() - 2
                          || token.sliced(firstPad).count('=') != token.size() - firstPad))
        return std::nullopt;
    const QByteArray::FromBase64Result decoded = QByteArray::fromBase64Encoding(
        token.toByteArray(), QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    const qsizetype colon = decoded.decoded.indexOf(':');
    if (colon < 0)
        return std::nullopt;
    return Credentials{decoded.decoded.left(colon), decoded.decoded.mid(colon + 1)};
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    volatile unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference = difference | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
    return difference == 0;
}

BasicAuthenticator::BasicAuthenticator(const QMap<QByteArray, QByteArray> &users)
    : m_users(users)
{
    QByteArray secret(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(secret.data()),
                                          secret.size() / qsizetype(sizeof(quint32)));
    m_cacheSecret = secret;
}

bool BasicAuthenticator::authorize(QByteArrayView authorizationHeader)
{
    if (!isEnabled())
        return true;
    const std::optional<Credentials> credentials = parseBasicAuthorization(authorizationHeader);
    return credentials && check(*credentials);
}

bool BasicAuthenticator::check(const Credentials &credentials)
{
    if (!isEnabled())
        return true;
    const auto user = m_users.constFind(credentials.user);
    if (user == m_users.cend()) {
        // An unknown user costs as much as a wrong password, so timing does not tell which
        // user names exist.
        bcryptMatches(credentials.password, m_users.first());
        return false;
    }
    const qint64 now = monotonicNowMs();
    const QByteArray key = cacheKey(credentials, *user);
    const auto cached = m_cache.constFind(key);
    if (cached != m_cache.cend() && *cached > now) {
        ++m_cacheHits;
        return true;
    }
    if (!bcryptMatches(credentials.password, *user))
        return false;
    remember(key, now);
    return true;
}

QByteArray BasicAuthenticator::cacheKey(const Credentials &credentials, const QByteArray &hash) const
{
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, m_cacheSecret);
    // Lengths first, so that no two different triples give the same input.
    for (const QByteArray *part : {&credentials.user, &credentials.password, &hash}) {
        const quint64 length = quint64(part->size());
        mac.addData(reinterpret_cast<const char *>(&length), sizeof length);
        mac.addData(*part);
    }
    return mac.result();
}

void BasicAuthenticator::remember(const QByteArray &key, qint64 now)
{
    if (m_cache.size() >= CacheSize) {
        m_cache.removeIf([now](const auto &entry) { return entry.value() <= now; });
        if (m_cache.size() >= CacheSize) {
            const auto oldest = std::min_element(m_cache.begin(), m_cache.end());
            m_cache.erase(oldest);
        }
    }
    m_cache.insert(key, now + CacheLifetimeMs);
}

bool BasicAuthenticator::isBcryptHash(QByteArrayView hash)
{
    // $2b$10$ + 22 characters of salt + 31 of hash.
    if (hash.size() != 60 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$')
        return false;
    if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y')
        return false;
    if (hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9')
        return false;
    const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
    if (cost < 4 || cost > 31)
        return false;
    return std::all_of(hash.begin() + 7, hash.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
               || c == '/';
    });
}

bool BasicAuthenticator::bcryptMatches(const QByteArray &password, const QByteArray &hash)
{
    if (password.contains('\0') || !isBcryptHash(hash))
        return false;
    // crypt_data is 32 kB: not for the stack. Zeroed before first use, as crypt_r wants.
    const auto data = std::make_unique<crypt_data>();
    const char *result = crypt_r(password.constData(), hash.constData(), data.get());
    // On failure crypt_r returns null or a string starting with '*', never equal to a hash.
    return result && constantTimeEquals(QByteArrayView(result), hash);
}
