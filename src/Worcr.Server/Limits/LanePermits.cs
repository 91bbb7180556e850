using Worcr.Core.Dispatch;
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

/// <summary>The permits a lane got for one claim: the dispatcher claims what <see cref="Decision"/> granted, then settles.</summary>
internal sealed class LanePermits(LimitDecision decision, IReadOnlyList<CounterGrant> grants)
{
    /// <summary>Nothing granted; the lane should wait <paramref name="retryAfter"/>.</summary>
    public static LanePermits Denied(TimeSpan retryAfter) => new(LimitDecision.Denied(retryAfter), []);

    public LimitDecision Decision { get; } = decision;

    public IReadOnlyList<CounterGrant> Grants { get; } = grants;
}
