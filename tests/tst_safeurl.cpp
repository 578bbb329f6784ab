// SPDX-License-Identifier: MIT
// SafeUrl, the one place that takes credentials out of URLs before they are shown.
#include "safeurl.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

class TestSafeUrl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void url_data();
    void url();
    void credentialNames_data();
    void credentialNames();
    void urlsInText();
    void everyStringInJson();
};

void TestSafeUrl::url_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("shown");

    QTest::newRow("user and password") << "https://deploy:s3cr3t@git.example.org/infra/secrets.git"
                                       << "https://REDACTED@git.example.org/infra/secrets.git";
    QTest::newRow("bare token as user") << "https://ghp_abc123@github.com/acme/private.git"
                                        << "https://REDACTED@github.com/acme/private.git";
    QTest::newRow("percent-encoded password") << "https://ci%40corp:p%40ss%3Aw0rd@git.example.org/r.git"
                                              << "https://REDACTED@git.example.org/r.git";
    QTest::newRow("@ in the password") << "https://u:p@ss@host.example/r" << "https://REDACTED@host.example/r";
    QTest::newRow("ssh user stays") << "ssh://git@github.com/acme/ops.git" << "ssh://git@github.com/acme/ops.git";
    QTest::newRow("git+ssh user stays") << "git+ssh://git@host.example/r" << "git+ssh://git@host.example/r";
    QTest::newRow("ssh password goes") << "ssh://builder:pw@host.example/r" << "ssh://REDACTED@host.example/r";
    QTest::newRow("scp-like ssh stays") << "git@github.com:acme/ops.git" << "git@github.com:acme/ops.git";
    QTest::newRow("@ only in the path") << "https://host.example/users/@me/r" << "https://host.example/users/@me/r";
    QTest::newRow("@ only in the query") << "https://host.example/r?mail=a@b" << "https://host.example/r?mail=a@b";
    QTest::newRow("access_token") << "https://api.example.org/a.tar.gz?ref=main&access_token=glpat-XYZ"
                                  << "https://api.example.org/a.tar.gz?ref=main&access_token=REDACTED";
    QTest::newRow("Private-Token first") << "https://h.example/a?PRIVATE-TOKEN=x&sha=1"
                                         << "https://h.example/a?PRIVATE-TOKEN=REDACTED&sha=1";
    QTest::newRow("pre-signed S3")
        << "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F1&X-Amz-SignedHeaders=host&X-Amz-Signature=ab"
        << "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-SignedHeaders=host&X-Amz-Signature=REDACTED";
    QTest::newRow("AWS v2") << "https://b.example/k?AWSAccessKeyId=AKIA&Expires=1&Signature=x"
                            << "https://b.example/k?AWSAccessKeyId=REDACTED&Expires=1&Signature=REDACTED";
    QTest::newRow("Azure sig") << "https://a.blob.core.windows.net/c?sv=2024&sig=abc%3D"
                               << "https://a.blob.core.windows.net/c?sv=2024&sig=REDACTED";
    QTest::newRow("fragment") << "https://h.example/cb#access_token=x&state=1"
                              << "https://h.example/cb#access_token=REDACTED&state=1";
    QTest::newRow("empty value") << "https://h.example/a?token=" << "https://h.example/a?token=REDACTED";
    QTest::newRow("nothing to hide") << "https://channels.nixos.org/nixos-26.05/nixexprs.tar.xz"
                                     << "https://channels.nixos.org/nixos-26.05/nixexprs.tar.xz";
    QTest::newRow("path") << "/home/me/src/nixpkgs" << "/home/me/src/nixpkgs";
    QTest::newRow("not a url") << "not a url?password=pw&x=1" << "not a url?password=REDACTED&x=1";
    QTest::newRow("spaces in the authority") << "zz://t:s@ a host/?key=k" << "zz://REDACTED@ a host/?key=REDACTED";
    QTest::newRow("empty") << "" << "";
}

void TestSafeUrl::url()
{
    QFETCH(QString, url);
    QFETCH(QString, shown);
    QCOMPARE(SafeUrl::of(url), shown);
    QCOMPARE(SafeUrl::of(shown), shown);  // cleaning twice changes nothing
}

void TestSafeUrl::credentialNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("credential");
    for (const char *name : {"access_token", "private_token", "PRIVATE-TOKEN", "privateToken", "token", "Token",
                             "auth", "oauth_token", "key", "api_key", "apiKey", "APIKEY", "password", "Password",
                             "passwd", "pass", "pwd", "sig", "signature", "X-Amz-Signature", "X-Amz-Credential",
                             "X-Amz-Security-Token", "X-Goog-Signature", "AWSAccessKeyId", "client_secret",
                             "session", "access%5Ftoken"})
        QTest::newRow(name) << QString::fromLatin1(name) << true;
    for (const char *name : {"ref", "rev", "sha", "lang", "narHash", "keyword", "monkey", "signal", "author",
                             "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires", "sv", "state", "dir"})
        QTest::newRow(name) << QString::fromLatin1(name) << false;
}

void TestSafeUrl::credentialNames()
{
    QFETCH(QString, name);
    QFETCH(bool, credential);
    QCOMPARE(SafeUrl::isCredentialName(name), credential);
}

void TestSafeUrl::urlsInText()
{
    QCOMPARE(SafeUrl::inText(QStringLiteral("https://u:pw@h.example/x?token=t: HTTP 500 (see http://h2.example/?key=k)")),
             QStringLiteral("https://REDACTED@h.example/x?token=REDACTED: HTTP 500 (see http://h2.example/?key=REDACTED)"));
    QCOMPARE(SafeUrl::inText(QStringLiteral("no url here")), QStringLiteral("no url here"));
    QCOMPARE(SafeUrl::inText(QStringLiteral("\"https://u:pw@h.example/\" is not a URL")),
             QStringLiteral("\"https://REDACTED@h.example/\" is not a URL"));
}

void TestSafeUrl::everyStringInJson()
{
    const QJsonObject document{
        {QStringLiteral("url"), QStringLiteral("https://u:pw@h.example/r.git")},
        {QStringLiteral("inputs"), QJsonArray{QJsonObject{{QStringLiteral("url"), QStringLiteral("https://h.example/a?sig=s")},
                                                          {QStringLiteral("age"), 42}}}},
        {QStringLiteral("message"), QStringLiteral("cannot fetch https://t@h.example/x")},
        {QStringLiteral("file"), QJsonObject{{QStringLiteral("url"), QStringLiteral("not a url?password=pw")}}},
        {QStringLiteral("missing"), QJsonValue::Null}};
    const QJsonObject expected{
        {QStringLiteral("url"), QStringLiteral("https://REDACTED@h.example/r.git")},
        {QStringLiteral("inputs"), QJsonArray{QJsonObject{{QStringLiteral("url"), QStringLiteral("https://h.example/a?sig=REDACTED")},
                                                          {QStringLiteral("age"), 42}}}},
        {QStringLiteral("message"), QStringLiteral("cannot fetch https://REDACTED@h.example/x")},
        {QStringLiteral("file"), QJsonObject{{QStringLiteral("url"), QStringLiteral("not a url?password=REDACTED")}}},
        {QStringLiteral("missing"), QJsonValue::Null}};
    QCOMPARE(SafeUrl::inJson(document).toObject(), expected);
}

QTEST_GUILESS_MAIN(TestSafeUrl)
#include "tst_safeurl.moc"
