using Worcr.Server.JobTypes;


namespace Worcr.Server.Admin;

/// <summary>GET /api/job-types: every known type with its settings (null = the node's default).</summary>
internal sealed record JobTypeListView(IReadOnlyList<JobTypeView> JobTypes);

internal sealed record JobTypeView(string Name, DateTimeOffset RegisteredAt, int? MaxAttempts, int? RetryBaseMs, int? RetryMaxMs, int? LeaseMs)
{
    public static JobTypeView From(JobTypeRow row) =>
        new(row.Name, row.RegisteredAt, row.Settings.MaxAttempts, row.Settings.RetryBaseMs, row.Settings.RetryMaxMs, row.Settings.LeaseMs);
}
