using Worcr.Core.Jobs;
using Worcr.Postgres;

namespace Worcr.Admin;

// The shapes of /api/jobs answers (docs/admin-api.md). Ids are JSON numbers.

internal sealed record ProgressView(string Name, long Current, long Total, string? Text);

internal sealed record JobSummaryView(
    long Id, string Tenant, string Type, IReadOnlyList<string> Tags, string State, int Attempt, int MaxAttempts,
    DateTimeOffset EnqueuedAt, DateTimeOffset RunAt, DateTimeOffset? FinishedAt, string? WorkerId, string? LastError,
    IReadOnlyList<ProgressView> Progress)
{
    public static JobSummaryView From(JobSummaryRecord job) => new(
        job.Id, job.Tenant, job.Type, job.Tags, job.State.ToName(), job.Attempt, job.MaxAttempts, job.EnqueuedAt, job.RunAt,
        job.FinishedAt, job.WorkerId, job.LastError, job.Progress.Select(p => new ProgressView(p.Name, p.Current, p.Total, p.Text)).ToList());
}

internal sealed record JobPageView(IReadOnlyList<JobSummaryView> Jobs, long? NextBefore);

internal sealed record CheckpointView(string Name, string Value, int Attempt, DateTimeOffset UpdatedAt);

internal sealed record LogLineView(long Id, int Attempt, string Level, string Text, DateTimeOffset At);

/// <summary>GET /api/jobs/{id}: the summary's fields plus the stored ones. Args are embedded as JSON, the result as text.</summary>
internal sealed record JobDetailView(
    long Id, string Tenant, string Type, IReadOnlyList<string> Tags, string State, int Attempt, int MaxAttempts,
    DateTimeOffset EnqueuedAt, DateTimeOffset RunAt, DateTimeOffset? FinishedAt, string? WorkerId, string? LastError,
    IReadOnlyList<ProgressView> Progress, System.Text.Json.JsonElement Args, string? Result, DateTimeOffset? ExpiresAt,
    string? UniqueKey, int Failures, string? NodeId, IReadOnlyList<CheckpointView> Checkpoints, IReadOnlyList<LogLineView> Logs,
    long LogsDropped)
{
    public static JobDetailView From(JobDetailRecord detail)
    {
        var s = JobSummaryView.From(detail.Summary);
        using var args = System.Text.Json.JsonDocument.Parse(detail.ArgsJson);
        return new JobDetailView(
            s.Id, s.Tenant, s.Type, s.Tags, s.State, s.Attempt, s.MaxAttempts, s.EnqueuedAt, s.RunAt, s.FinishedAt, s.WorkerId, s.LastError,
            s.Progress, args.RootElement.Clone(), detail.ResultJson, detail.ExpiresAt, detail.UniqueKey, detail.Failures, detail.NodeId,
            detail.Checkpoints.Select(c => new CheckpointView(c.Name, c.Value, c.Attempt, c.UpdatedAt)).ToList(),
            detail.Logs.Select(l => new LogLineView(l.Id, l.Attempt, l.Level, l.Text, l.At)).ToList(),
            detail.LogsDropped);
    }
}

/// <summary>POST /api/jobs/{id}/cancel: "cancelled", or "already_finished" with the state it had.</summary>
internal sealed record CancelView(string Outcome, string State);
