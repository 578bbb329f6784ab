// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QMap>

#include <optional>

// HTTP basic authentication (RFC 7617) with bcrypt hashes, as the exporter-toolkit's
// basic_auth_users does it.

struct Credentials
{
    QByteArray user;
    QByteArray password;
};

// The user and password of an Authorization header value ("Basic dXNlcjpwYXNz"), or nullopt
// if it is not the Basic scheme, not strict base64 or has no colon. Pure: no state, no
// allocation beyond the result; the fuzzer's target.
std::optional<Credentials> parseBasicAuthorization(QByteArrayView header);

// Compares in time that depends only on the lengths, never on where the first difference is.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

// Checks credentials against bcrypt hashes ($2a$, $2b$, $2y$) with libxcrypt's crypt_r.
// bcrypt is deliberately slow (about 50 ms at cost 10), so successful checks are remembered for
// a few minutes: keyed by an HMAC-SHA256 of user, password and hash under a key made at
// start, never by the password itself; at most CacheSize entries. Not thread-safe: the
// exporter calls it from its one HTTP thread.
class BasicAuthenticator
{
public:
    static constexpr int CacheSize = 256;
    static constexpr qint64 CacheLifetimeMs = 5 * 60 * 1000;

    BasicAuthenticator() = default;  // no users: everyone is let in
    explicit BasicAuthenticator(const QMap<QByteArray, QByteArray> &users);

    bool isEnabled() const { return !m_users.isEmpty(); }
    // The whole Authorization header value; false if absent, malformed or wrong.
    bool authorize(QByteArrayView authorizationHeader);
    bool check(const Credentials &credentials);

    // True if hash looks like a bcrypt hash crypt() can check: $2a$, $2b$ or $2y$, a two-digit
    // cost from 04 to 31, 53 characters of salt and hash.
    static bool isBcryptHash(QByteArrayView hash);
    // One uncached bcrypt check; passwords with a NUL byte never match (crypt() would stop there).
    static bool bcryptMatches(const QByteArray &password, const QByteArray &hash);

    // For tests and measurements.
    int cacheHits() const { return m_cacheHits; }
    int cacheEntries() const { return int(m_cache.size()); }

private:
    QByteArray cacheKey(const Credentials &credentials, const QByteArray &hash) const;
    void remember(const QByteArray &key, qint64 now);

    QMap<QByteArray, QByteArray> m_users;
    QByteArray m_cacheSecret;
    QHash<QByteArray, qint64> m_cache;  // key -> expiry (ms on a monotonic clock)
    int m_cacheHits = 0;
};
