namespace Worcr.Core.Input;

/// <summary>
/// Every limit on what producers, operators and the CLI may send, in one place (docs/security.md lists them).
/// They are fixed so that every node of a cluster agrees on them; the one size that is configurable, the gRPC
/// message limit (MaxMessageSize), decides whether an accepted job can still be delivered (see
/// <see cref="MaxCheckpointBytesPerJob"/>).
/// </summary>
public static class InputLimits
{
    /// <summary>Job type names: letters, digits and '.', '-', '_', ':'.</summary>
    public const int MaxTypeLength = 200;

    /// <summary>Tenant (and plan) names: letters, digits and '.', '-', '_', ':', '@'.</summary>
    public const int MaxTenantLength = 200;

    /// <summary>One tag: letters, digits and '.', '-', '_', ':', '='.</summary>
    public const int MaxTagLength = 100;

    /// <summary>Tags on one job (as sent; rules may add a few more).</summary>
    public const int MaxTags = 32;

    /// <summary>A job's unique key, in characters.</summary>
    public const int MaxUniqueKeyLength = 500;

    /// <summary>Longest unique window: deduplication is for retried sends, not for a calendar.</summary>
    public static readonly TimeSpan MaxUniqueWindow = TimeSpan.FromDays(366);

    /// <summary>How far ahead run_at and expires_at may lie.</summary>
    public static readonly TimeSpan MaxScheduleAhead = TimeSpan.FromDays(10 * 366);

    /// <summary>A job's args as sent, and as PostgreSQL prints them back (jsonb adds spaces and writes numbers in full), in UTF-8 bytes.</summary>
    public const int MaxArgsBytes = 1024 * 1024;

    /// <summary>Nesting of objects and arrays in args and results.</summary>
    public const int MaxJsonDepth = 64;

    /// <summary>
    /// Largest written exponent of a JSON number (1e308 is the top of a 64-bit float). A number must also be finite
    /// as a 64-bit float: PostgreSQL would store 1e100000 with every digit, and most languages cannot read it back.
    /// </summary>
    public const int MaxJsonNumberExponent = 308;

    /// <summary>Base weight of a job: above 0 (0 means the default of 1) and at most this.</summary>
    public const double MaxJobWeight = 1_000_000;

    /// <summary>
    /// Smallest weight of a tenant or plan (its share under the weighted fairness strategy). The selector divides a
    /// tenant's usage by its share: a share of 1e-300 put that quotient, and so the virtual time every returning tenant
    /// is raised to, near 1e300, where adding a job no longer changes anyone's usage; double.Epsilon made it infinite.
    /// With this floor and <see cref="MaxTenantWeight"/> shares still span a ratio of 10^12.
    /// </summary>
    public const double MinTenantWeight = 0.000001;

    /// <summary>Largest weight of a tenant or plan.</summary>
    public const double MaxTenantWeight = MaxJobWeight;

    /// <summary>
    /// Largest factor of a tag-match rule saved through the admin API. Weight rules' factors multiply, and the product
    /// multiplies the job's weight and its aging bonus: a factor of 1e308 and a second matching rule's 10 made +Infinity,
    /// a lane that took every turn of its workers and tied with any other such lane. At 10^6 each, as a job's weight, a
    /// pairing's score stays finite until about 50 rules at the top factor all match it.
    /// </summary>
    public const double MaxRuleFactor = 1_000_000;

    /// <summary>
    /// Smallest factor above 0 of a tag-match rule, the mirror of <see cref="MaxRuleFactor"/>: 1e-300 × 1e-300 is 0 in a
    /// 64-bit float, so two tiny factors forbade a pairing that no rule forbids. A factor of 0 still forbids it.
    /// </summary>
    public const double MinRuleFactor = 0.000001;

    /// <summary>Attempts of one job.</summary>
    public const int MaxAttempts = 1000;

    /// <summary>
    /// Most room kept in a worker's Assign for the job's checkpoints (names and values, all of them); see
    /// <see cref="CheckpointRoom"/>.
    /// </summary>
    public const int MaxCheckpointBytesPerJob = 1024 * 1024;

    /// <summary>
    /// The room for checkpoints in an Assign under a message limit: <see cref="MaxCheckpointBytesPerJob"/>, or a
    /// quarter of the limit when that is less. A job is refused at enqueue when its args and metadata would not fit
    /// beside it; a job's checkpoints must stay within it for its later attempts to be delivered.
    /// </summary>
    public static int CheckpointRoom(int maxMessageSize) => Math.Min(MaxCheckpointBytesPerJob, maxMessageSize / 4);

    /// <summary>A cancel reason, in characters.</summary>
    public const int MaxReasonLength = 1000;

    /// <summary>A W3C traceparent ("00-" + 32 + "-" + 16 + "-" + 2 hex digits is 55); anything longer is refused.</summary>
    public const int MaxTraceParentLength = 256;

    /// <summary>Jobs in one EnqueueBatch call.</summary>
    public const int MaxBatch = 10_000;

    /// <summary>Job ids in one Watch call.</summary>
    public const int MaxWatchedJobs = 10_000;

    /// <summary>Log lines one Get call returns.</summary>
    public const int MaxLogLinesPerGet = 10_000;

    /// <summary>Labels of tenant API keys and similar free text from operators, in characters.</summary>
    public const int MaxLabelLength = 200;
}
