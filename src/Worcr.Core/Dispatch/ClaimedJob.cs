using Worcr.Core.Lanes;

namespace Worcr.Core.Dispatch;

/// <summary>A job leased to a worker. Attempt fences every later message about this run.</summary>
public sealed record ClaimedJob(
    long Id,
    int Attempt,
    Lane Lane,
    string ArgsJson,
    int MaxAttempts,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset? ExpiresAt,
    IReadOnlyDictionary<string, string> Checkpoints)
{
    /// <summary>W3C trace context stored with the job at enqueue (migration 011); null when it has none.</summary>
    public string? TraceParent { get; init; }

    /// <summary>When this node claimed it (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>), for run-time metrics.</summary>
    public long ClaimedTimestamp { get; init; }
}
