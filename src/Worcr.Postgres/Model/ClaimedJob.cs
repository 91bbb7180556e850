using Worcr.Core.Lanes;

namespace Worcr.Postgres;

/// <summary>A job leased to a worker. Attempt fences every later message about this run.</summary>
public sealed record ClaimedJob(
    long Id,
    int Attempt,
    Lane Lane,
    string ArgsJson,
    int MaxAttempts,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset? ExpiresAt,
    IReadOnlyDictionary<string, string> Checkpoints);
