// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>

#include <optional>

class Exposition;

// The process_* metrics Prometheus client libraries export about their own process on Linux,
// with client_golang's names, types and meanings, read from /proc/self (and /proc/stat for
// the boot time). Pure parsers for the files, a reader, and the renderer; a value that cannot
// be read is left out, never written as 0. The two limits are the soft limits client_golang
// reads from /proc/self/limits, taken with getrlimit(): the same numbers for a fifth of the
// cost of formatting and parsing that file on every scrape.
namespace ProcessMetrics {

// An unlimited address space: client libraries report RLIM_INFINITY, the largest unsigned
// 64-bit number, as a float (1.8446744073709552e+19).
inline constexpr double Unlimited = 18446744073709551615.0;

struct Stats
{
    std::optional<double> cpuSeconds;             // user + system
    std::optional<double> openFds;
    std::optional<double> maxFds;                 // soft limit
    std::optional<double> virtualMemoryBytes;
    std::optional<double> virtualMemoryMaxBytes;  // soft limit of the address space
    std::optional<double> residentMemoryBytes;
    std::optional<double> startTimeSeconds;       // since the Unix epoch
};

// The fields of /proc/self/stat used here (proc(5) fields 14, 15, 22, 23, 24), in the
// kernel's units: clock ticks, bytes and pages.
struct StatFields
{
    qint64 userTicks = 0;
    qint64 systemTicks = 0;
    qint64 startTicks = 0;  // after boot
    qint64 virtualBytes = 0;
    qint64 residentPages = 0;
};

// "pid (comm) state ppid ...": comm may hold spaces and parentheses, so the fields start after
// the last ')'. nullopt if the text is cut short or a field is not a number.
std::optional<StatFields> parseStat(const QByteArray &text);

// The soft limits of open files (RLIMIT_NOFILE) and address space (RLIMIT_AS).
struct Limits
{
    std::optional<double> openFiles;
    std::optional<double> addressSpaceBytes;
};

// The "btime" line of /proc/stat: boot time in seconds since the epoch.
std::optional<qint64> parseBootTime(const QByteArray &procStat);

// Combines what was read; each part may be missing.
Stats combine(const std::optional<StatFields> &stat, const Limits &limits,
              std::optional<qint64> bootTime, std::optional<qint64> openFds, long ticksPerSecond,
              long pageSize);

// Reads this process now: /proc/self/stat, /proc/self/fd and the limits each time, the boot
// time once.
Stats read();

// The seven families, each left out if its value is unknown.
void render(const Stats &stats, Exposition &out);

} // namespace ProcessMetrics
