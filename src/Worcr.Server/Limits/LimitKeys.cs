using Microsoft.Extensions.Logging;
using Worcr.Scripting;
using Worcr.Server.Rules;

namespace Worcr.Server.Limits;

/// <summary>
/// Computes a job's limit keys once, at enqueue: from limit definitions (tenant, tag, type, args field), from
/// enqueue rules' limit_keys and from limit-key rules. Keys from rules are kept even when no limit covers them
/// yet, so a limit added later applies to jobs already waiting.
/// </summary>
internal static class LimitKeys
{
    public const int MaxKeys = 16;
    public const int MaxKeyLength = 200;

    public static IReadOnlyList<string> Compute(LimitSet limits, RuleBook rules, JobFacts job, IReadOnlyList<string> fromEnqueueRules, ILogger logger)
    {
        var keys = new List<string>(limits.KeysFor(job));
        keys.AddRange(fromEnqueueRules);
        foreach (var rule in rules.LimitKeys)
        {
            try
            {
                keys.AddRange(rule.EvaluateLimitKeys(job));
            }
            catch (RuleExecutionException exception)
            {
                ServerLog.RuleFailed(logger, exception.Message);
            }
        }
        return Normalise(keys, logger);
    }

    // Braces would break the Redis hash tag; PostgreSQL refuses NUL in text, so the job's insert would fail.
    private static readonly System.Buffers.SearchValues<char> RefusedCharacters = System.Buffers.SearchValues.Create("{}\0");

    /// <summary>Sorted, distinct, trimmed; a key with braces or NUL, or too long, is dropped.</summary>
    public static IReadOnlyList<string> Normalise(IEnumerable<string> keys, ILogger logger)
    {
        var kept = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in keys)
        {
            var key = raw.Trim();
            if (key.Length == 0) continue;
            if (key.Length > MaxKeyLength || key.AsSpan().IndexOfAny(RefusedCharacters) >= 0) LimitLog.KeyDropped(logger, key.Length > 80 ? key[..80] : key);
            else kept.Add(key);
        }
        if (kept.Count <= MaxKeys) return kept.ToArray();
        LimitLog.KeysTruncated(logger, kept.Count, MaxKeys);
        return kept.Take(MaxKeys).ToArray();
    }
}
