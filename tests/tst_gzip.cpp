// SPDX-License-Identifier: MIT
#include "gzip.h"

#include <QRandomGenerator>
#include <QTest>
#include <QtEndian>

#include <zlib.h>

namespace {

// Inflates one gzip member, as a browser or Prometheus would; windowBits 15 + 16 makes zlib
// insist on the gzip header and check the CRC-32 and length trailer. Returns false on any
// error or on bytes left over after the member.
bool gunzip(const QByteArray &compressed, QByteArray *output)
{
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK)
        return false;
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.constData()));
    stream.avail_in = uInt(compressed.size());
    output->clear();
    char buffer[16384];
    int result = Z_OK;
    while (result == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef *>(buffer);
        stream.avail_out = sizeof buffer;
        result = inflate(&stream, Z_NO_FLUSH);
        output->append(buffer, qsizetype(sizeof buffer - stream.avail_out));
        if (result == Z_BUF_ERROR && stream.avail_in == 0)
            break; // the input ended before the gzip trailer
    }
    const bool complete = result == Z_STREAM_END && stream.avail_in == 0;
    inflateEnd(&stream);
    return complete;
}

// 1 MiB that is neither trivially compressible nor incompressible: a /metrics-like text
// with random numbers, so the deflate output spans many blocks.
QByteArray megabyte()
{
    QRandomGenerator random(42);
    QByteArray data;
    data.reserve(1 << 20);
    while (data.size() < (1 << 20)) {
        data += "nixos_flake_input_age_seconds{input=\"input" +
                QByteArray::number(random.bounded(1000)) + "\"} " +
                QByteArray::number(random.generateDouble() * 1e9, 'g', 17) + '\n';
    }
    data.truncate(1 << 20);
    return data;
}

} // namespace

class TestGzip : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void compressRoundTrip_data();
    void compressRoundTrip();
    void compressShrinksText();
    void prefixAndTail_data();
    void prefixAndTail();
    void accepted_data();
    void accepted();
};

void TestGzip::compressRoundTrip_data()
{
    QTest::addColumn<QByteArray>("input");

    QTest::newRow("empty") << QByteArray();
    QTest::newRow("one byte") << QByteArray("x");
    QTest::newRow("small") << QByteArray("# HELP nixos_current_generation Current.\n"
                                         "# TYPE nixos_current_generation gauge\n"
                                         "nixos_current_generation 42\n");
    QTest::newRow("binary with NUL") << QByteArray("\0\1\2\xff\0", 5);
    QTest::newRow("1 MiB text") << megabyte();
    QByteArray noise(1 << 20, Qt::Uninitialized);
    QRandomGenerator(7).fillRange(reinterpret_cast<quint32 *>(noise.data()), noise.size() / 4);
    // Random bytes do not compress: the output buffer must still be large enough.
    QTest::newRow("1 MiB random") << noise;
}

void TestGzip::compressRoundTrip()
{
    QFETCH(QByteArray, input);

    const QByteArray compressed = Gzip::compress(input);
    // RFC 1952: ID1 ID2 = 1f 8b, CM = 8 (deflate). qCompress() output would fail here.
    QVERIFY(compressed.size() >= 18);
    QCOMPARE(quint8(compressed.at(0)), quint8(0x1f));
    QCOMPARE(quint8(compressed.at(1)), quint8(0x8b));
    QCOMPARE(quint8(compressed.at(2)), quint8(8));
    // The trailer's ISIZE is the input length modulo 2^32, little-endian.
    const auto *tail =
        reinterpret_cast<const uchar *>(compressed.constData() + compressed.size() - 4);
    QCOMPARE(qFromLittleEndian<quint32>(tail), quint32(input.size()));

    QByteArray output;
    QVERIFY(gunzip(compressed, &output));
    QCOMPARE(output.size(), input.size());
    QVERIFY(output == input);
}

void TestGzip::compressShrinksText()
{
    // The point of gzip on /metrics: repetitive text gets much smaller.
    const QByteArray input = megabyte();
    QVERIFY2(Gzip::compress(input).size() < input.size() / 2,
             qPrintable(QString::number(Gzip::compress(input).size())));
}

void TestGzip::prefixAndTail_data()
{
    QTest::addColumn<QByteArray>("prefix");
    QTest::addColumn<QByteArray>("tail");

    const QByteArray metrics = "# HELP nixos_current_generation Current.\n"
                               "# TYPE nixos_current_generation gauge\nnixos_current_generation 42\n";
    const QByteArray process = "process_open_fds 9\nprocess_resident_memory_bytes 2.1e+07\n";
    QTest::newRow("small") << metrics << process;
    QTest::newRow("empty prefix") << QByteArray() << process;
    QTest::newRow("empty tail") << metrics << QByteArray();
    QTest::newRow("both empty") << QByteArray() << QByteArray();
    // The tail repeats the prefix: a back reference into it would be wrong, it must not happen.
    QTest::newRow("tail repeats prefix") << metrics << metrics + metrics;
    QTest::newRow("1 MiB prefix") << megabyte() << process;
    QTest::newRow("1 MiB each") << megabyte() << megabyte().left(700'000);
}

void TestGzip::prefixAndTail()
{
    QFETCH(QByteArray, prefix);
    QFETCH(QByteArray, tail);

    const Gzip::Prefix compressed = Gzip::compressPrefix(prefix);
    QVERIFY(!compressed.stream.isEmpty());
    // The same prefix serves many tails.
    for (const QByteArray &end : {tail, tail + "x\n"}) {
        const QByteArray whole = Gzip::finish(compressed, end);
        QByteArray output;
        QVERIFY(gunzip(whole, &output));  // one member: header, blocks, CRC-32 and length
        QCOMPARE(output.size(), prefix.size() + end.size());
        QVERIFY(output == prefix + end);
    }
}

void TestGzip::accepted_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<bool>("gzip");

    // Accept-Encoding per RFC 9110 12.5.3: codings are case-insensitive, q=0 means "not
    // acceptable", and "*" matches only codings that the header does not list.
    QTest::newRow("gzip") << QByteArray("gzip") << true;
    QTest::newRow("GZIP") << QByteArray("GZIP") << true;
    QTest::newRow("mixed case q") << QByteArray("GZip;Q=0.5") << true;
    QTest::newRow("deflate, gzip;q=0.5") << QByteArray("deflate, gzip;q=0.5") << true;
    QTest::newRow("no spaces") << QByteArray("deflate;q=0.5,gzip") << true;
    QTest::newRow("browser") << QByteArray("gzip, deflate, br, zstd") << true;
    QTest::newRow("*") << QByteArray("*") << true;
    QTest::newRow("gzip;q=0") << QByteArray("gzip;q=0") << false;
    QTest::newRow("gzip;q=0.000") << QByteArray("gzip;q=0.000") << false;
    QTest::newRow("gzip;q=0.001") << QByteArray("gzip;q=0.001") << true;
    QTest::newRow("identity") << QByteArray("identity") << false;
    QTest::newRow("empty") << QByteArray("") << false;
    QTest::newRow("br, deflate") << QByteArray("br, deflate") << false;
    QTest::newRow("spaces around") << QByteArray(" gzip ; q=1.0 ") << true;
    QTest::newRow("other parameter") << QByteArray("gzip;level=9") << true;
    QTest::newRow("*;q=0") << QByteArray("*;q=0") << false;
    QTest::newRow("deflate, gzip;q=0") << QByteArray("deflate, gzip;q=0") << false;
    // An explicit refusal of gzip wins over the wildcard, in either order.
    QTest::newRow("gzip;q=0, *") << QByteArray("gzip;q=0, *") << false;
    QTest::newRow("*, gzip;q=0") << QByteArray("*, gzip;q=0") << false;
    QTest::newRow("gzip, *;q=0") << QByteArray("gzip, *;q=0") << true;
    QTest::newRow("identity;q=0, *") << QByteArray("identity;q=0, *") << true;
    QTest::newRow("weighted list") << QByteArray("br;q=1.0, gzip;q=0.8, *;q=0.1") << true;
    // RFC 9110 8.4.1.3: x-gzip is to be treated as gzip.
    QTest::newRow("x-gzip") << QByteArray("x-gzip") << true;
    // Whole tokens only.
    QTest::newRow("gzip2") << QByteArray("gzip2") << false;
    QTest::newRow("notgzip") << QByteArray("notgzip, deflate") << false;
    QTest::newRow("gzip as parameter") << QByteArray("br;gzip") << false;
}

void TestGzip::accepted()
{
    QFETCH(QByteArray, header);
    QFETCH(bool, gzip);
    QCOMPARE(Gzip::accepted(header), gzip);
}

QTEST_GUILESS_MAIN(TestGzip)
#include "tst_gzip.moc"
