using System.Globalization;
using System.Numerics;
using System.Text;

namespace Worcr.Redis;

/// <summary>Null (RESP2 null bulk string or null array, RESP3 null).</summary>
public sealed record RedisNull : RedisValue
{
    public static readonly RedisNull Instance = new();

    private RedisNull() { }

    public override bool IsNull => true;
    public override string? AsString() => null;
    public override IReadOnlyList<RedisValue> AsArray() => [];
}

/// <summary>A status reply such as <c>+OK</c>.</summary>
public sealed record RedisSimpleString(string Value) : RedisValue
{
    public override string? AsString() => Value;
    public override long AsInt64() => ParseInt64(Value, "simple string");
}

/// <summary>An error reply (<c>-ERR ...</c> or RESP3 <c>!</c>); top-level errors are thrown as <see cref="RedisServerException"/>.</summary>
public sealed record RedisError(string Message) : RedisValue
{
    public override string? AsString() => Message;
}

public sealed record RedisInteger(long Value) : RedisValue
{
    public override string? AsString() => Value.ToString(CultureInfo.InvariantCulture);
    public override long AsInt64() => Value;
}

/// <summary>Binary-safe bytes; <see cref="AsString"/> decodes them as UTF-8.</summary>
public sealed record RedisBulkString(byte[] Value) : RedisValue
{
    public override string? AsString() => Encoding.UTF8.GetString(Value);
    public override long AsInt64() => ParseInt64(Encoding.UTF8.GetString(Value), "bulk string");
}

public sealed record RedisArray(IReadOnlyList<RedisValue> Items) : RedisValue
{
    public override IReadOnlyList<RedisValue> AsArray() => Items;
}

public sealed record RedisDouble(double Value) : RedisValue
{
    public override string? AsString() => Value.ToString("R", CultureInfo.InvariantCulture);
}

public sealed record RedisBoolean(bool Value) : RedisValue
{
    public override long AsInt64() => Value ? 1 : 0;
}

/// <summary>A RESP3 map, kept in reply order.</summary>
public sealed record RedisMap(IReadOnlyList<KeyValuePair<RedisValue, RedisValue>> Entries) : RedisValue
{
    public override IReadOnlyList<RedisValue> AsArray() => Entries.SelectMany(e => new[] { e.Key, e.Value }).ToArray();
}

public sealed record RedisSet(IReadOnlyList<RedisValue> Items) : RedisValue
{
    public override IReadOnlyList<RedisValue> AsArray() => Items;
}

/// <summary>An out-of-band RESP3 push (pub/sub messages, subscribe confirmations); never the reply to a command on <see cref="RedisConnection"/>.</summary>
public sealed record RedisPush(IReadOnlyList<RedisValue> Items) : RedisValue
{
    public override IReadOnlyList<RedisValue> AsArray() => Items;
}

public sealed record RedisBigNumber(BigInteger Value) : RedisValue
{
    public override string? AsString() => Value.ToString(CultureInfo.InvariantCulture);
    public override long AsInt64() => (long)Value;
}

/// <summary>RESP3 verbatim text with its three-letter format, e.g. <c>txt</c> or <c>mkd</c>.</summary>
public sealed record RedisVerbatim(string Format, string Text) : RedisValue
{
    public override string? AsString() => Text;
}
