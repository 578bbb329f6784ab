// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>

#include <initializer_list>
#include <utility>

// Writes the Prometheus text exposition format 0.0.4: one family (HELP and TYPE) followed by
// its samples, with label values and help text escaped as the format requires.
class Exposition
{
public:
    using Label = std::pair<const char *, QString>;

    // Starts a metric family; every sample until the next family() belongs to it. HELP and
    // TYPE are written with the first sample, so a family with no samples does not appear.
    void family(const char *name, const char *help, const char *type = "gauge");
    void sample(double value) { sample({}, value); }
    void sample(std::initializer_list<Label> labels, double value);

    const QByteArray &text() const { return m_text; }

    // Shortest text that reads back as the same double; integers without exponent.
    static QByteArray formatValue(double value);
    // Backslash and newline become \\ and \n; in label values (quotes = true) " becomes \".
    static QByteArray escape(const QByteArray &text, bool quotes);

private:
    QByteArray m_text;
    QByteArray m_name;
    QByteArray m_header;  // of the current family, until its first sample
};
