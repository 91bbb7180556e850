namespace Worcr.Core.Retries;

/// <summary>What a retry rule said about a failed attempt: give up (dead now), or retry after <paramref name="Delay"/>.</summary>
public sealed record RetryAdvice(bool GiveUp, TimeSpan Delay);
