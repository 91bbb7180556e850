using Worcr.Redis.Limits;

namespace Worcr.Server.Limits;

/// <summary>One counter's part of a lane's permits: what it granted and how much of that is kept.</summary>
/// <param name="Placeholders">Concurrency only: the holder ids admitted before the job ids are known.</param>
internal sealed class CounterGrant(LimitCounter counter, LimitGrant grant, IReadOnlyList<string> placeholders)
{
    public LimitCounter Counter { get; } = counter;

    public LimitGrant Grant { get; } = grant;

    public IReadOnlyList<string> Placeholders { get; } = placeholders;

    /// <summary>Units still held: the grant, less what was given back.</summary>
    public long Kept { get; set; } = grant.Granted;

    public bool IsConcurrency => Counter.Kind == LimitKind.Concurrency;
}

/// <summary>The permits a lane got for one claim: the dispatcher claims <see cref="Granted"/> jobs, then settles.</summary>
internal sealed class LanePermits(int granted, IReadOnlyList<CounterGrant> grants)
{
    public static LanePermits None { get; } = new(0, []);

    public int Granted { get; } = granted;

    public IReadOnlyList<CounterGrant> Grants { get; } = grants;
}
