// SPDX-License-Identifier: MIT
#pragma once

#include "webconfig.h"

#include <QByteArray>
#include <QFileSystemWatcher>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

// Re-reads --web.config.file when it or a file it names (certificate, key, client CA)
// changes, and hands a good new config to the server, without a restart: certificate
// rotation, users added or removed. It watches each file and its directory, before and
// after resolving links: editors and secret tools (Kubernetes, agenix, sops-nix) replace
// files by rename, certbot points links at new files. Changes are debounced, and every
// minute the files are compared anyway in case an event was missed. What was read is
// remembered by a hash of all the files' bytes, so nothing is applied or logged twice.
// A broken new file (bad YAML, an unreadable or wrong key) changes nothing: the last good
// config stays and one warning says why; an info line says when a new one is in use.
class WebConfigWatcher : public QObject
{
    Q_OBJECT
public:
    // Applies a config that was read and checked; false with a one-line reason if the
    // server cannot use it (ExporterServer::reloadWebConfig).
    using Apply = std::function<bool(const WebConfig &config, QString *error)>;

    static constexpr int DebounceMs = 250;
    static constexpr int PollIntervalMs = 60'000;

    // fileName: the file given at start; current: the config read from it at start.
    WebConfigWatcher(const QString &fileName, const WebConfig &current, Apply apply,
                     QObject *parent = nullptr);

    // Reads the files now; applies and logs only if their bytes changed since last time.
    void check();

Q_SIGNALS:
    // After each check that found new bytes: whether they are in use now.
    void checked(bool applied);

private:
    QByteArray fingerprint(const QByteArray &yaml, const WebConfig *config) const;
    void watch(const WebConfig &config);

    const QString m_fileName;
    const Apply m_apply;
    WebConfig m_current;          // the last good config, in use
    QByteArray m_lastFingerprint;  // of the files as last read, good or not
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    QTimer m_poll;
};
