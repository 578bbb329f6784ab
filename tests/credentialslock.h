// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QStringList>

// tests/data/flake-locks/credentials.lock: a lock whose inputs carry credentials in every form
// people write them (https and ssh userinfo, a bare token as user, a percent-encoded password,
// token parameters in several spellings and cases, pre-signed S3 and Azure links, a file input,
// a URL that is not one). The tests look for each secret in everything we show.
namespace CredentialsLock {
inline const QString Path = QStringLiteral(NIXOS_TEST_DATA "/flake-locks/credentials.lock");

inline const QList<QByteArray> Secrets{
    "s3cr3tT0ken",     "ghp_BareT0kenAbc123", "SshPassw0rd",    "glpat-XYZsecret", "PrivTokValue9",
    "AKIAEXAMPLEKEYID", "AmzSessionTok3n",    "deadbeefSIGcafe", "FileApiKey77",    "p%40ss%3Aw0rd%21",
    "p@ss:w0rd!",       "AzureSigValue",      "GarbageS3cret",   "GarbageKey1",     "GarbagePw2",
    "NotAUrlPassw0rd"};

// What must still be there, so that a person recognises each input.
inline const QList<QByteArray> Recognisable{
    "git.example.org/infra/secrets.git",
    "github.com/acme/private.git",
    "ssh://git@github.com/acme/ops.git",
    "git.example.org/infra/ssh.git",
    "api.example.org/archive.tar.gz?ref=main&access_token=REDACTED",
    "X-Amz-SignedHeaders=host",
    "files.example.org/robots.json?apiKey=REDACTED&lang=en"};

// The secrets found in `text`; empty when it is clean.
inline QList<QByteArray> secretsIn(const QByteArray &text)
{
    QList<QByteArray> found;
    for (const QByteArray &secret : Secrets) {
        if (text.contains(secret))
            found.append(secret);
    }
    return found;
}
} // namespace CredentialsLock
