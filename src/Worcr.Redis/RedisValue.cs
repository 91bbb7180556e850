using System.Globalization;

namespace Worcr.Redis;

/// <summary>
/// One RESP2 or RESP3 reply. Each kind is a record deriving from this one (<see cref="RedisNull"/>,
/// <see cref="RedisBulkString"/>, <see cref="RedisArray"/>, ...), so callers can pattern-match on the kind
/// or use the helpers, which convert where the conversion is unambiguous and throw otherwise.
/// </summary>
public abstract record RedisValue
{
    /// <summary>The null reply: RESP2 <c>$-1</c> and <c>*-1</c>, RESP3 <c>_</c>.</summary>
    public static RedisValue Null => RedisNull.Instance;

    public virtual bool IsNull => false;

    /// <summary>The value as text; null for the null reply.</summary>
    public virtual string? AsString() => throw CannotConvert("a string");

    public virtual long AsInt64() => throw CannotConvert("a 64-bit integer");

    /// <summary>The elements of an array, set or push; a map flattened to key, value, key, value.</summary>
    public virtual IReadOnlyList<RedisValue> AsArray() => throw CannotConvert("an array");

    private InvalidCastException CannotConvert(string target) =>
        new($"A Redis {GetType().Name} reply cannot be read as {target}.");

    private protected static long ParseInt64(string text, string kind) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidCastException($"The Redis {kind} '{text}' is not a 64-bit integer.");
}
