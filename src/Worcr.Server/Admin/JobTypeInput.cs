using System.Text.Json.Serialization;
using Worcr.Server.JobTypes;

namespace Worcr.Server.Admin;

/// <summary>
/// Body of PUT /api/job-types/{name}: the whole set of settings (a field left out or null is the node's default,
/// so a PUT of {} resets a type).
/// A misspelt field is refused rather than ignored, because ignoring it would quietly reset that setting.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record JobTypeInput(int? MaxAttempts, int? RetryBaseMs, int? RetryMaxMs, int? LeaseMs)
{
    /// <summary>The settings, or the first field that is out of range and what it may be.</summary>
    public (JobTypeSettings? Settings, string? Error) Check()
    {
        if (MaxAttempts is < 1 or > 1000) return (null, "Field 'max_attempts' must be between 1 and 1000 (or null for the node's default).");
        if (RetryBaseMs is < 1) return (null, "Field 'retry_base_ms' must be at least 1 (or null for the node's default).");
        if (RetryMaxMs is < 1) return (null, "Field 'retry_max_ms' must be at least 1 (or null for the node's default).");
        if (RetryMaxMs < RetryBaseMs) return (null, "Field 'retry_max_ms' must be at least 'retry_base_ms'.");
        if (LeaseMs is < 100) return (null, "Field 'lease_ms' must be at least 100 (or null for the node's default).");
        return (new JobTypeSettings(MaxAttempts, RetryBaseMs, RetryMaxMs, LeaseMs), null);
    }
}
