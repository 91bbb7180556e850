namespace Worcr.Redis.Limits;

/// <summary>
/// Redis key names of limit counters: {prefix}limit:{KEY}:NAME:SUFFIX. The limit key in braces is the Redis
/// Cluster hash tag, so every key of one counter lives in one slot. Limit keys never contain braces
/// (the node drops such keys), or the tag would end early.
/// </summary>
internal static class LimitKeyNames
{
    public static string Of(string prefix, LimitCounter counter, string suffix) => $"{prefix}limit:{{{counter.Key}}}:{counter.Name}:{suffix}";

    /// <summary>Every key the counter's scripts touch.</summary>
    public static IReadOnlyList<string> All(string prefix, LimitCounter counter) => counter.Kind switch
    {
        LimitKind.FixedWindow => [Of(prefix, counter, "fw")],
        LimitKind.SlidingWindow => [Of(prefix, counter, "sw"), Of(prefix, counter, "sw:seq")],
        LimitKind.TokenBucket => [Of(prefix, counter, "tb")],
        _ => [Of(prefix, counter, "cc")],
    };
}
