namespace Worcr.Core.Retries;

/// <summary>A worker's report that an attempt failed, as the retry policy reads it.</summary>
/// <param name="Attempt">The attempt that failed (1 for the first run).</param>
/// <param name="Retryable">False when the worker says running it again cannot help.</param>
/// <param name="RetryAfter">The worker's own delay before the next attempt; null to leave it to rules and backoff. Never negative.</param>
public sealed record FailReport(int Attempt, bool Retryable, TimeSpan? RetryAfter = null);
