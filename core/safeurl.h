// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonValue>
#include <QString>
#include <QStringView>

// The one place that makes a URL safe to show. Flake inputs and upgrade URLs can carry
// credentials (git+https://deploy:TOKEN@host/..., ?access_token=..., pre-signed links), and
// everything we show ends up in Prometheus, Grafana, terminals and logs. What is removed:
//   - the userinfo (`user:password@`, or a bare `TOKEN@`), except a plain user name on an ssh
//     URL (`ssh://git@host`), which names an account and proves nothing;
//   - the value of every query or fragment parameter whose name says it is a credential
//     (isCredentialName).
// Each is replaced by Marker; the scheme, host, path and the other parameters stay, so a
// person still recognises the input. Text that is not a URL passes through (its parameters
// are still cleaned), so a malformed lock cannot smuggle a secret past this.
namespace SafeUrl {
inline constexpr QLatin1StringView Marker{"REDACTED"};

// A parameter is a credential if its name (percent-decoded, any case) contains "token",
// "secret" or "passw" anywhere, or if one of its words, split at non-letters and at
// lower-to-upper case changes, is a credential word: key, apikey, sig, signature, auth,
// authorization, credential(s), session, pwd, pass. "X-Amz-Signature", "X-Amz-Credential",
// "AWSAccessKeyId", "private_token", "apiKey" and "sig" are credentials; "keyword",
// "signal" and "ref" are not.
bool isCredentialName(QStringView name);

// One URL (or a string that should be one).
QString of(const QString &url);

// Every URL inside free text (an error message, a log line) made safe.
QString inText(const QString &text);

// A JSON value (a /status document from another machine, perhaps from an older exporter that
// did not clean its own) with every "url" member passed through of() and every other string
// through inText().
QJsonValue inJson(const QJsonValue &value);
} // namespace SafeUrl
