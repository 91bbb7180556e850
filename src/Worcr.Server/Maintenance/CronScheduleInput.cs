using System.Text.Json;

namespace Worcr.Server.Maintenance;

/// <summary>
/// A schedule as JSON: the body of PUT /api/cron/{name} and one element of rules/schedules.json (which also
/// carries <see cref="Name"/>). snake_case on the wire.
/// </summary>
internal sealed class CronScheduleInput
{
    public string? Name { get; set; }

    public string? Expression { get; set; }

    /// <summary>IANA zone; UTC when absent.</summary>
    public string? TimeZone { get; set; }

    public CronJobInput? Job { get; set; }

    /// <summary>True when absent.</summary>
    public bool? Enabled { get; set; }
}

/// <summary>
/// The job a schedule enqueues; weight defaults to 1. max_attempts, when absent, stays unset and is resolved at each fire
/// as for a producer's job without one: the job type's setting, else the node's DefaultMaxAttempts.
/// </summary>
internal sealed class CronJobInput
{
    public string? Type { get; set; }

    public string? Tenant { get; set; }

    public List<string>? Tags { get; set; }

    /// <summary>Any JSON value; {} when absent.</summary>
    public JsonElement? Args { get; set; }

    public double? Weight { get; set; }

    public int? MaxAttempts { get; set; }
}
