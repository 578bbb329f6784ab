// SPDX-License-Identifier: MIT
#include "exporterconfig.h"

#include "collector.h"
#include "duration.h"

#include <QFile>
#include <QRegularExpression>

#include <algorithm>
#include <utility>

#include <yaml-cpp/yaml.h>

namespace {

// A config error that knows where in the file it is.
struct ConfigError
{
    int line;
    QString message;
};

QString keyOf(const YAML::Node &key)
{
    return key.IsScalar() ? QString::fromStdString(key.Scalar()) : QStringLiteral("<non-scalar key>");
}

[[noreturn]] void fail(const YAML::Node &node, const QString &message)
{
    throw ConfigError{node.Mark().line + 1, message};
}

// A key and its value, as iterating a YAML mapping yields them.
using Entry = std::pair<YAML::Node, YAML::Node>;

// A wrong value is reported on its own line, except a missing one ("enabled:" and nothing
// after it): yaml-cpp gives that the position of the next token, often lines further down.
[[noreturn]] void failValue(const Entry &entry, const QString &message)
{
    fail(entry.second.IsNull() ? entry.first : entry.second, message);
}

void expectMap(const Entry &entry, const QString &path)
{
    if (!entry.second.IsMap())
        failValue(entry, QStringLiteral("%1 must be a mapping").arg(path));
}

QString scalarString(const Entry &entry, const QString &path)
{
    if (!entry.second.IsScalar())
        failValue(entry, QStringLiteral("%1 must be a string").arg(path));
    return QString::fromStdString(entry.second.Scalar());
}

bool scalarBool(const Entry &entry, const QString &path)
{
    bool value = false;
    if (!entry.second.IsScalar() || !YAML::convert<bool>::decode(entry.second, value))
        failValue(entry, QStringLiteral("%1 must be true or false").arg(path));
    return value;
}

qint64 scalarDuration(const Entry &entry, const QString &path)
{
    QString error;
    const std::optional<qint64> ms = Duration::parse(scalarString(entry, path), &error);
    if (!ms)
        failValue(entry, QStringLiteral("%1: %2").arg(path, error));
    return *ms;
}

int scalarCount(const Entry &entry, const QString &path)
{
    bool ok = false;
    const int count = entry.second.IsScalar() ? QString::fromStdString(entry.second.Scalar()).toInt(&ok) : -1;
    if (!ok || count < 0)
        failValue(entry, QStringLiteral("%1 must be a number of 0 or more").arg(path));
    return count;
}

QStringList releaseList(const Entry &entry, const QString &path)
{
    QStringList releases;
    if (entry.second.IsSequence()) {
        for (const YAML::Node &item : entry.second) {
            if (item.IsScalar())
                releases.append(QString::fromStdString(item.Scalar()));
        }
    }
    if (!entry.second.IsSequence() || releases.size() != qsizetype(entry.second.size())
        || !ExporterConfig::areReleases(releases))
        failValue(entry, QStringLiteral("%1 must be a list of releases such as [\"26.05\", \"26.11\"]").arg(path));
    return releases;
}

// listen_addr: one address, or a list of them; each is served.
QList<ListenAddress> listenList(const Entry &entry)
{
    QStringList texts;
    QString error;
    if (entry.second.IsSequence()) {
        // Each address is checked on its own line.
        for (const YAML::Node &item : entry.second) {
            if (!item.IsScalar())
                fail(item, QStringLiteral("listen_addr must be an address or a list of addresses"));
            texts.append(QString::fromStdString(item.Scalar()));
            if (!ListenAddress::parse(texts.last(), &error))
                fail(item, QStringLiteral("listen_addr: %1").arg(error));
        }
    } else if (entry.second.IsScalar()) {
        texts.append(QString::fromStdString(entry.second.Scalar()));
    } else {
        failValue(entry, QStringLiteral("listen_addr must be an address or a list of addresses"));
    }
    const std::optional<QList<ListenAddress>> addresses = ListenAddress::parseList(texts, &error);
    if (!addresses)
        failValue(entry, QStringLiteral("listen_addr: %1").arg(error));
    return *addresses;
}

// The keys a collector takes besides "enabled".
QStringList collectorKeys(const QString &name)
{
    if (name == QLatin1String("generation"))
        return {QStringLiteral("max_series")};
    if (name == QLatin1String("flake"))
        return {QStringLiteral("lock_path"), QStringLiteral("supported_releases")};
    if (name == QLatin1String("store"))
        return {QStringLiteral("refresh_interval")};
    if (name == QLatin1String("upgrade"))
        return {QStringLiteral("channel"), QStringLiteral("base_url"), QStringLiteral("url"),
                QStringLiteral("interval"), QStringLiteral("timeout")};
    return {};
}

// Applies one collector-specific key; false if the collector has no such key.
bool applyCollectorKey(ExporterConfig &config, const QString &name, const QString &key, const Entry &entry,
                       const QString &path)
{
    if (!collectorKeys(name).contains(key))
        return false;
    const QString keyPath = path + QLatin1Char('.') + key;
    if (key == QLatin1String("max_series"))
        config.collectorOptions.generationMaxSeries = scalarCount(entry, keyPath);
    else if (key == QLatin1String("lock_path"))
        config.lockPath = scalarString(entry, keyPath);
    else if (key == QLatin1String("supported_releases"))
        config.supportedReleases = releaseList(entry, keyPath);
    else if (key == QLatin1String("refresh_interval"))
        config.storeRefreshMs = scalarDuration(entry, keyPath);
    else if (key == QLatin1String("channel"))
        config.upgrade.channel = scalarString(entry, keyPath);
    else if (key == QLatin1String("base_url"))
        config.upgrade.baseUrl = scalarString(entry, keyPath);
    else if (key == QLatin1String("url"))
        config.upgrade.url = scalarString(entry, keyPath);
    else if (key == QLatin1String("interval"))
        config.upgrade.intervalMs = scalarDuration(entry, keyPath);
    else if (key == QLatin1String("timeout"))
        config.upgrade.timeoutMs = scalarDuration(entry, keyPath);
    return true;
}

void applyCollector(ExporterConfig &config, const QString &name, const Entry &collector)
{
    const QString path = QStringLiteral("collectors.") + name;
    if (collector.second.IsNull())
        return;  // "flake:" with nothing under it changes nothing
    expectMap(collector, path);
    for (const auto &entry : collector.second) {
        const QString key = keyOf(entry.first);
        if (key == QLatin1String("enabled"))
            config.collectors[name] = scalarBool(entry, path + QStringLiteral(".enabled"));
        else if (!applyCollectorKey(config, name, key, entry, path))
            fail(entry.first, QStringLiteral("unknown key \"%1\" in %2 (known: %3)")
                                  .arg(key, path, (QStringList{QStringLiteral("enabled")} + collectorKeys(name))
                                                      .join(QStringLiteral(", "))));
    }
}

// log: { level: debug|info|warn|error, format: logfmt|json }
void applyLog(ExporterConfig &config, const Entry &section)
{
    if (section.second.IsNull())
        return;
    expectMap(section, QStringLiteral("log"));
    for (const auto &entry : section.second) {
        const QString key = keyOf(entry.first);
        const QString path = QStringLiteral("log.") + key;
        if (key == QLatin1String("level")) {
            const QString value = scalarString(entry, path);
            const std::optional<LogFormat::Level> level = LogFormat::parseLevel(value);
            if (!level)
                failValue(entry, QStringLiteral("%1: %2").arg(path, LogFormat::levelError(value)));
            config.logLevel = *level;
        } else if (key == QLatin1String("format")) {
            const QString value = scalarString(entry, path);
            const std::optional<LogFormat::Format> format = LogFormat::parseFormat(value);
            if (!format)
                failValue(entry, QStringLiteral("%1: %2").arg(path, LogFormat::formatError(value)));
            config.logFormat = *format;
        } else {
            fail(entry.first, QStringLiteral("unknown key \"%1\" in log (known: level, format)").arg(key));
        }
    }
}

void apply(ExporterConfig &config, const YAML::Node &root)
{
    if (root.IsNull())
        return;  // an empty file is a valid config of defaults
    if (!root.IsMap())
        fail(root, QStringLiteral("the top level must be a mapping"));
    for (const auto &entry : root) {
        const QString key = keyOf(entry.first);
        if (key == QLatin1String("listen_addr")) {
            config.listen = listenList(entry);
        } else if (key == QLatin1String("collectors")) {
            if (entry.second.IsNull())
                continue;  // "collectors:" with every collector commented out changes nothing
            expectMap(entry, key);
            for (const auto &collector : entry.second) {
                const QString name = keyOf(collector.first);
                if (!Collectors::find(name))
                    fail(collector.first, QStringLiteral("unknown collector \"%1\" (known: %2)")
                                              .arg(name, Collectors::names().join(QStringLiteral(", "))));
                applyCollector(config, name, collector);
            }
        } else if (key == QLatin1String("log")) {
            applyLog(config, entry);
        } else {
            fail(entry.first, QStringLiteral("unknown key \"%1\" (known: listen_addr, collectors, log)").arg(key));
        }
    }
}

} // namespace

bool ExporterConfig::areReleases(const QStringList &releases)
{
    static const QRegularExpression release(QStringLiteral(R"(^\d{2}\.\d{2}$)"));
    return std::all_of(releases.cbegin(), releases.cend(), [](const QString &r) { return release.match(r).hasMatch(); });
}

bool ExporterConfig::isTelemetryPath(const QString &path, QString *error)
{
    static const QRegularExpression allowed(QStringLiteral(R"(^[A-Za-z0-9/._~-]*$)"));
    if (!path.startsWith(QLatin1Char('/')))
        *error = QStringLiteral("\"%1\" must start with '/'").arg(path);
    else if (path == QLatin1String("/") || path == QLatin1String("/status"))
        *error = QStringLiteral("\"%1\" is taken (by the landing page or /status)").arg(path);
    else if (!allowed.match(path).hasMatch())
        *error = QStringLiteral("\"%1\" may only hold letters, digits and /-._~").arg(path);
    else
        return true;
    return false;
}

ExporterConfig::ExporterConfig()
{
    for (const Collector &collector : Collectors::all())
        collectors.insert(collector.name, collector.enabledByDefault);
}

bool ExporterConfig::loadYaml(const QString &fileName, QString *error)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(fileName, file.errorString());
        return false;
    }
    return loadYamlText(file.readAll(), fileName, error);
}

bool ExporterConfig::loadYamlText(const QByteArray &text, const QString &fileName, QString *error)
{
    // Work on a copy so that a file with an error half-way changes nothing.
    ExporterConfig updated = *this;
    try {
        apply(updated, YAML::Load(text.toStdString()));
    } catch (const ConfigError &e) {
        *error = QStringLiteral("%1:%2: %3").arg(fileName).arg(e.line).arg(e.message);
        return false;
    } catch (const YAML::Exception &e) {
        *error = QStringLiteral("%1:%2: %3").arg(fileName).arg(e.mark.line + 1).arg(QString::fromStdString(e.msg));
        return false;
    }
    *this = updated;
    return true;
}
