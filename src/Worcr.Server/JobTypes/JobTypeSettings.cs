using Worcr.Core.Retries;
using Worcr.Server.Hosting;

namespace Worcr.Server.JobTypes;

/// <summary>
/// Settings of one job type (the job_types columns of migration 006). A null value means "the node's default",
/// so an unconfigured type behaves like every other.
/// </summary>
internal sealed record JobTypeSettings(int? MaxAttempts, int? RetryBaseMs, int? RetryMaxMs, int? LeaseMs)
{
    public static JobTypeSettings None { get; } = new(null, null, null, null);

    public bool ChangesBackoff => RetryBaseMs is not null || RetryMaxMs is not null;

    /// <summary>
    /// The backoff for this type: its own base and maximum where set, the node's otherwise. A maximum below the
    /// base (one set here, the other the node's) is raised to the base, because a cap below the first delay
    /// would make every retry wait the cap.
    /// </summary>
    public RetryBackoff Backoff(RetryOptions node)
    {
        var baseDelay = RetryBaseMs is { } baseMs ? TimeSpan.FromMilliseconds(baseMs) : node.RetryBaseDelay;
        var maxDelay = RetryMaxMs is { } maxMs ? TimeSpan.FromMilliseconds(maxMs) : node.RetryMaxDelay;
        return new RetryBackoff(baseDelay, maxDelay < baseDelay ? baseDelay : maxDelay);
    }
}
