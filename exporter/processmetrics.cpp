// SPDX-License-Identifier: MIT
#include "processmetrics.h"

#include "exposition.h"

#include <QList>

#include <charconv>

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace ProcessMetrics {

namespace {

// A whole decimal number and nothing else.
std::optional<qint64> toInteger(const char *begin, const char *end)
{
    qint64 value = 0;
    const auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc() || ptr != end || begin == end)
        return std::nullopt;
    return value;
}

std::optional<qint64> toInteger(const QByteArray &text)
{
    return toInteger(text.constData(), text.constData() + text.size());
}

// Whitespace-separated words of a line.
QList<QByteArray> words(const QByteArray &line)
{
    return line.simplified().split(' ');
}

// A small /proc file in one go, with plain system calls: QFile would add a buffer, a stat()
// and an object per file, on every scrape. nullopt if it cannot be read
// (no /proc, out of descriptors).
std::optional<QByteArray> readProcFile(const char *path)
{
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    QByteArray text;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            ::close(fd);
            return std::nullopt;
        }
        if (n == 0)
            break;
        text.append(buffer, qsizetype(n));
    }
    ::close(fd);
    return text;
}

// Entries of /proc/self/fd, as client libraries count them: the descriptor that reads the
// directory is one of them.
std::optional<qint64> countOpenFds()
{
    DIR *dir = ::opendir("/proc/self/fd");
    if (!dir)
        return std::nullopt;
    qint64 count = 0;
    while (const dirent *entry = ::readdir(dir)) {
        if (entry->d_name[0] != '.')
            ++count;
    }
    ::closedir(dir);
    return count;
}

std::optional<double> softLimit(int resource)
{
    rlimit limit{};
    if (::getrlimit(resource, &limit) != 0)
        return std::nullopt;
    return limit.rlim_cur == RLIM_INFINITY ? Unlimited : double(limit.rlim_cur);
}

std::optional<qint64> bootTime()
{
    // Constant while the machine runs: read once, and again only until it could be read.
    static std::optional<qint64> cached;
    if (!cached) {
        if (const std::optional<QByteArray> text = readProcFile("/proc/stat"))
            cached = parseBootTime(*text);
    }
    return cached;
}

void write(Exposition &out, const char *name, const char *help, const char *type,
           const std::optional<double> &value)
{
    out.family(name, help, type);
    if (value)
        out.sample(*value);
}

} // namespace

std::optional<StatFields> parseStat(const QByteArray &text)
{
    const qsizetype close = text.lastIndexOf(')');
    if (close < 0 || text.indexOf('(') > close)
        return std::nullopt;
    // After "(comm)": field 3 (state) is index 0, so field N is index N - 3.
    const QList<QByteArray> fields = words(text.mid(close + 1));
    if (fields.size() < 22)
        return std::nullopt;
    const auto field = [&](int number) { return toInteger(fields[number - 3]); };
    const std::optional<qint64> user = field(14), system = field(15), start = field(22),
                                virtualBytes = field(23), resident = field(24);
    if (!user || !system || !start || !virtualBytes || !resident)
        return std::nullopt;
    return StatFields{*user, *system, *start, *virtualBytes, *resident};
}

std::optional<qint64> parseBootTime(const QByteArray &procStat)
{
    for (const QByteArray &line : procStat.split('\n')) {
        if (!line.startsWith("btime "))
            continue;
        const std::optional<qint64> seconds = toInteger(line.mid(6).trimmed());
        return seconds && *seconds > 0 ? seconds : std::nullopt;
    }
    return std::nullopt;
}

Stats combine(const std::optional<StatFields> &stat, const Limits &limits,
              std::optional<qint64> bootTime, std::optional<qint64> openFds, long ticksPerSecond,
              long pageSize)
{
    Stats stats;
    if (stat && ticksPerSecond > 0) {
        stats.cpuSeconds = double(stat->userTicks + stat->systemTicks) / double(ticksPerSecond);
        if (bootTime)
            stats.startTimeSeconds = double(*bootTime) + double(stat->startTicks) / double(ticksPerSecond);
    }
    if (stat) {
        stats.virtualMemoryBytes = double(stat->virtualBytes);
        if (pageSize > 0)
            stats.residentMemoryBytes = double(stat->residentPages) * double(pageSize);
    }
    if (openFds)
        stats.openFds = double(*openFds);
    stats.maxFds = limits.openFiles;
    stats.virtualMemoryMaxBytes = limits.addressSpaceBytes;
    return stats;
}

Stats read()
{
    static const long ticksPerSecond = ::sysconf(_SC_CLK_TCK);
    static const long pageSize = ::sysconf(_SC_PAGESIZE);
    // Counted first, so that the files read below are not among the open descriptors.
    const std::optional<qint64> openFds = countOpenFds();
    const std::optional<QByteArray> stat = readProcFile("/proc/self/stat");
    const Limits limits{softLimit(RLIMIT_NOFILE), softLimit(RLIMIT_AS)};
    return combine(stat ? parseStat(*stat) : std::nullopt, limits, bootTime(), openFds,
                   ticksPerSecond, pageSize);
}

void render(const Stats &stats, Exposition &out)
{
    write(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
          "counter", stats.cpuSeconds);
    write(out, "process_open_fds", "Number of open file descriptors.", "gauge", stats.openFds);
    write(out, "process_max_fds", "Maximum number of open file descriptors.", "gauge", stats.maxFds);
    write(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge",
          stats.virtualMemoryBytes);
    write(out, "process_virtual_memory_max_bytes",
          "Maximum amount of virtual memory available in bytes.", "gauge",
          stats.virtualMemoryMaxBytes);
    write(out, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge",
          stats.residentMemoryBytes);
    write(out, "process_start_time_seconds",
          "Start time of the process since unix epoch in seconds.", "gauge",
          stats.startTimeSeconds);
}

} // namespace ProcessMetrics
