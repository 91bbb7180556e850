namespace Worcr.Scripting;

/// <summary>A retry rule's answer: retry after <paramref name="Delay"/>, or give up (the job is dead).</summary>
public sealed record RetryDecision(bool GiveUp, TimeSpan Delay)
{
    public static RetryDecision Dead { get; } = new(true, TimeSpan.Zero);

    public static RetryDecision After(TimeSpan delay) => new(false, delay);
}
