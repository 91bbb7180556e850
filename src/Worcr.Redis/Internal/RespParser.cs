using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Worcr.Redis.Internal;

/// <summary>
/// Parses one RESP2/RESP3 reply from a byte sequence. It reports success only when the whole reply, with every
/// nested element, is present; otherwise the caller keeps all bytes and tries again when more arrive, so a reply
/// split across reads is never half consumed. Bulk strings are read by their declared length, never by looking
/// for CRLF, because their payload may itself contain CRLF.
/// </summary>
internal static class RespParser
{
    private const int MaxDepth = 64;

    public static bool TryParse(ReadOnlySequence<byte> buffer, out RedisValue value, out SequencePosition end)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (TryParseValue(ref reader, 0, out value))
        {
            end = reader.Position;
            return true;
        }
        end = buffer.Start;
        return false;
    }

    private static bool TryParseValue(ref SequenceReader<byte> reader, int depth, out RedisValue value)
    {
        value = RedisNull.Instance;
        if (depth > MaxDepth) throw ProtocolError($"replies nested deeper than {MaxDepth} levels");
        if (!reader.TryRead(out var type) || !TryReadLine(ref reader, out var line)) return false;
        switch ((char)type)
        {
            case '+': value = new RedisSimpleString(Encoding.UTF8.GetString(line)); return true;
            case '-': value = new RedisError(Encoding.UTF8.GetString(line)); return true;
            case ':': value = new RedisInteger(ParseInteger(line)); return true;
            case '_': return true;
            case ',': value = new RedisDouble(ParseDouble(line)); return true;
            case '#': value = new RedisBoolean(ParseBoolean(line)); return true;
            case '(': value = new RedisBigNumber(BigInteger.Parse(Encoding.ASCII.GetString(line), CultureInfo.InvariantCulture)); return true;
            case '$': return TryReadBulk(ref reader, line, bytes => new RedisBulkString(bytes), out value);
            case '!': return TryReadBulk(ref reader, line, bytes => new RedisError(Encoding.UTF8.GetString(bytes)), out value);
            case '=': return TryReadBulk(ref reader, line, ToVerbatim, out value);
            case '*': return TryReadItems(ref reader, line, depth, items => new RedisArray(items), out value);
            case '~': return TryReadItems(ref reader, line, depth, items => new RedisSet(items), out value);
            case '>': return TryReadItems(ref reader, line, depth, items => new RedisPush(items), out value);
            case '%': return TryReadMap(ref reader, line, depth, out value);
            case '|': return TrySkipAttribute(ref reader, line, depth, out value);
            default: throw ProtocolError($"unexpected type byte 0x{type:x2}");
        }
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, out byte[] line)
    {
        line = [];
        if (!reader.TryReadTo(out ReadOnlySequence<byte> sequence, "\r\n"u8, advancePastDelimiter: true)) return false;
        line = sequence.ToArray();
        return true;
    }

    private static bool TryReadBulk(ref SequenceReader<byte> reader, byte[] line, Func<byte[], RedisValue> create, out RedisValue value)
    {
        value = RedisNull.Instance;
        var length = ParseInteger(line);
        if (length == -1) return true;
        if (length < 0 || length > int.MaxValue - 2) throw ProtocolError($"bulk length {length}");
        if (reader.Remaining < length + 2) return false;
        var bytes = new byte[length];
        reader.TryCopyTo(bytes);
        reader.Advance(length);
        if (!reader.IsNext("\r\n"u8, advancePast: true)) throw ProtocolError("a bulk string does not end with CRLF after its declared length");
        value = create(bytes);
        return true;
    }

    private static bool TryReadItems(ref SequenceReader<byte> reader, byte[] line, int depth,
        Func<RedisValue[], RedisValue> create, out RedisValue value)
    {
        value = RedisNull.Instance;
        var count = ParseInteger(line);
        if (count == -1) return true;
        var items = new RedisValue[CheckedCount(count)];
        for (var i = 0; i < items.Length; i++)
        {
            if (!TryParseValue(ref reader, depth + 1, out items[i])) return false;
        }
        value = create(items);
        return true;
    }

    private static bool TryReadMap(ref SequenceReader<byte> reader, byte[] line, int depth, out RedisValue value)
    {
        value = RedisNull.Instance;
        var entries = new KeyValuePair<RedisValue, RedisValue>[CheckedCount(ParseInteger(line))];
        for (var i = 0; i < entries.Length; i++)
        {
            if (!TryParseValue(ref reader, depth + 1, out var key) || !TryParseValue(ref reader, depth + 1, out var item)) return false;
            entries[i] = new(key, item);
        }
        value = new RedisMap(entries);
        return true;
    }

    // Attributes are metadata in front of a reply (e.g. key popularity); Worcr has no use for them.
    private static bool TrySkipAttribute(ref SequenceReader<byte> reader, byte[] line, int depth, out RedisValue value) =>
        TryReadMap(ref reader, line, depth, out value) && TryParseValue(ref reader, depth, out value);

    private static RedisValue ToVerbatim(byte[] bytes)
    {
        if (bytes.Length < 4 || bytes[3] != (byte)':') throw ProtocolError("verbatim string without a 'fmt:' prefix");
        return new RedisVerbatim(Encoding.ASCII.GetString(bytes, 0, 3), Encoding.UTF8.GetString(bytes, 4, bytes.Length - 4));
    }

    private static long ParseInteger(byte[] line) =>
        Utf8Parser.TryParse(line, out long value, out var consumed) && consumed == line.Length
            ? value
            : throw ProtocolError($"'{Encoding.ASCII.GetString(line)}' is not an integer");

    private static double ParseDouble(byte[] line)
    {
        var text = Encoding.ASCII.GetString(line);
        return text switch
        {
            "inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            "nan" => double.NaN,
            _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw ProtocolError($"'{text}' is not a double"),
        };
    }

    private static bool ParseBoolean(byte[] line) => line switch
    {
        [(byte)'t'] => true,
        [(byte)'f'] => false,
        _ => throw ProtocolError($"'{Encoding.ASCII.GetString(line)}' is not a boolean"),
    };

    private static int CheckedCount(long count) =>
        count is >= 0 and <= 1 << 24 ? (int)count : throw ProtocolError($"aggregate length {count}");

    private static RedisConnectionException ProtocolError(string detail) => new($"Redis protocol error: {detail}.");
}
