using System.Text.Json;
using Worcr.Postgres;

namespace Worcr.Admin;

/// <summary>A schedule as the admin API shows it (snake_case through <see cref="AdminJson"/>).</summary>
internal sealed record CronScheduleView(
    string Name,
    string Expression,
    string TimeZone,
    bool Enabled,
    string Origin,
    CronJobView Job,
    DateTimeOffset? NextFireAt,
    DateTimeOffset? LastFiredAt,
    DateTimeOffset? LastTickAt,
    string? LastJobId,
    string? LastFiredBy,
    DateTimeOffset UpdatedAt,
    int Failures,
    string? LastError,
    DateTimeOffset? RetryAt)
{
    public static CronScheduleView Of(CronScheduleRecord record)
    {
        var d = record.Definition;
        var job = new CronJobView(d.Job.Type, d.Job.Tenant, d.Job.Tags, JsonDocument.Parse(d.Job.ArgsJson).RootElement.Clone(), d.Job.Weight, d.Job.MaxAttempts);
        return new CronScheduleView(d.Name, d.Expression, d.TimeZone, d.Enabled, d.Origin, job, record.NextFireAt, record.LastFiredAt,
            record.LastTickAt, record.LastJobId?.ToString(System.Globalization.CultureInfo.InvariantCulture), record.LastFiredBy, record.UpdatedAt,
            record.Failures, record.LastError, record.RetryAt);
    }
}

internal sealed record CronJobView(string Type, string Tenant, IReadOnlyList<string> Tags, JsonElement Args, double Weight, int? MaxAttempts);

internal sealed record CronListView(IReadOnlyList<CronScheduleView> Schedules);
