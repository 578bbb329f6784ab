// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>

#include <optional>

// Values kept from one scan to the next under a key. What a scan neither looks up nor stores
// is forgotten when it ends, so the cache holds what the system still points at and nothing
// more: a generation deleted takes its entry with it at the next scan.
template<typename Key, typename Value>
class ScanCache
{
public:
    // The value this or the last scan stored under key; a value found is kept for the next scan.
    std::optional<Value> find(const Key &key)
    {
        if (const auto kept = m_thisScan.constFind(key); kept != m_thisScan.cend())
            return *kept;
        const auto last = m_lastScan.find(key);
        if (last == m_lastScan.end())
            return std::nullopt;
        const Value value = *last;
        m_lastScan.erase(last);
        m_thisScan.insert(key, value);
        return value;
    }

    void insert(const Key &key, const Value &value)
    {
        m_lastScan.remove(key);
        m_thisScan.insert(key, value);
    }

    // Ends a scan: what it did not use is gone.
    void endScan()
    {
        m_lastScan.swap(m_thisScan);
        m_thisScan.clear();
        m_thisScan.reserve(m_lastScan.size());
    }

private:
    QHash<Key, Value> m_lastScan;  // used by the last scan and not (yet) by this one
    QHash<Key, Value> m_thisScan;  // used by this scan
};
