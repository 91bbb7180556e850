namespace Worcr.Server.Limits;

/// <summary>The words limits use on the wire and in the database, both ways.</summary>
internal static class LimitNames
{
    public static readonly IReadOnlyDictionary<string, Redis.Limits.LimitKind> Kinds = new Dictionary<string, Redis.Limits.LimitKind>
    {
        ["concurrency"] = Redis.Limits.LimitKind.Concurrency,
        ["fixed_window"] = Redis.Limits.LimitKind.FixedWindow,
        ["sliding_window"] = Redis.Limits.LimitKind.SlidingWindow,
        ["token_bucket"] = Redis.Limits.LimitKind.TokenBucket,
    };

    public static string Of(Redis.Limits.LimitKind kind) => Kinds.First(k => k.Value == kind).Key;

    public static string Of(LimitMode mode) => mode == LimitMode.Job ? "job" : "rate";
}
