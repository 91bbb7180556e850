namespace Worcr.Core.Retries;

/// <summary>What becomes of a failed attempt: retried after <see cref="RetryDelay"/>, or dead when that is null.</summary>
public sealed record FailDecision(TimeSpan? RetryDelay)
{
    public static readonly FailDecision Dead = new((TimeSpan?)null);

    public bool IsDead => RetryDelay is null;

    public static FailDecision RetryAfter(TimeSpan delay) => new(delay);
}
