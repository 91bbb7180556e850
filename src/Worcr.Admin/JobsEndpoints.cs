using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Core.Input;
using Worcr.Core.Jobs;
using Worcr.Postgres;
using Worcr.Server.Lifecycle;
using Worcr.Server.Transport;

namespace Worcr.Admin;

/// <summary>
/// /api/jobs: list with filters, one job's page, retry, cancel and delete. Cancel and retry are the job
/// lifecycle's transitions, the same as the producer API's (Jobs.Cancel, Jobs.Retry).
/// </summary>
internal sealed class JobsEndpoints
{
    private const string CancelReason = "cancelled by an operator";
    private readonly JobStore _store;
    private readonly Server.Lifecycle.JobLifecycle _lifecycle;

    public JobsEndpoints(JobStore store, Server.Lifecycle.JobLifecycle lifecycle)
    {
        _store = store;
        _lifecycle = lifecycle;
    }

    private JobBrowser Browser => _store.Browser;

    public static void Map(RouteGroupBuilder api)
    {
        var endpoints = AdminApi.Create<JobsEndpoints>(api);
        api.MapGet("/jobs", endpoints.ListAsync).AllowReadOnly();
        api.MapGet("/jobs/{id}", endpoints.GetAsync).AllowReadOnly();
        api.MapPost("/jobs/{id}/retry", endpoints.RetryAsync);
        api.MapPost("/jobs/{id}/cancel", endpoints.CancelAsync);
        api.MapDelete("/jobs/{id}", endpoints.DeleteAsync);
        api.MapGet("/jobs/{id}/stream", AdminApi.Create<JobStreamEndpoint>(api).StreamAsync).AllowReadOnly();
    }

    /// <summary>The id in the path, or the 400 answer.</summary>
    public static (long Id, IResult? Error) ParseId(string id) => Messages.ParseJobId(id) is { } parsed and > 0
        ? (parsed, null)
        : (0, AdminJson.Error(StatusCodes.Status400BadRequest, $"{TextCheck.Quote(id)} is not a job id."));

    public static IResult NotFound(long id) => AdminJson.Error(StatusCodes.Status404NotFound, $"Job {id} does not exist.");

    private async Task<IResult> ListAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var (filter, error) = JobQueryParser.Parse(request.Query);
        if (filter is null) return AdminJson.Error(StatusCodes.Status400BadRequest, error!);
        var page = await Browser.ListAsync(filter, cancellationToken);
        return AdminJson.Ok(new JobPageView(page.Jobs.Select(JobSummaryView.From).ToList(), page.NextBefore));
    }

    private async Task<IResult> GetAsync(string id, CancellationToken cancellationToken)
    {
        var (jobId, error) = ParseId(id);
        if (error is not null) return error;
        var detail = await Browser.GetAsync(jobId, cancellationToken);
        return detail is null ? NotFound(jobId) : AdminJson.Ok(JobDetailView.From(detail));
    }

    /// <summary>Dead, cancelled and expired jobs move back from history; a failed one runs now instead of after its backoff.</summary>
    private async Task<IResult> RetryAsync(string id, CancellationToken cancellationToken)
    {
        var (jobId, error) = ParseId(id);
        if (error is not null) return error;
        var before = await Browser.GetAsync(jobId, cancellationToken);
        if (before is null) return NotFound(jobId);
        var state = before.Summary.State;
        var outcome = await _lifecycle.RetryAsync(jobId, failedToo: true, cancellationToken);
        if (outcome is not { Retried: true })
        {
            return AdminJson.Error(StatusCodes.Status409Conflict, state is JobState.Dead or JobState.Cancelled or JobState.Expired
                ? $"Job {jobId} cannot go back to waiting: a live job holds its unique key {TextCheck.QuoteName(before.UniqueKey ?? "", InputLimits.MaxUniqueKeyLength)}."
                : $"Job {jobId} is {state.ToName()}; only dead, cancelled, expired or failed jobs can be retried.");
        }
        var after = await Browser.GetAsync(jobId, cancellationToken);
        return after is null ? NotFound(jobId) : AdminJson.Ok(JobSummaryView.From(after.Summary));
    }

    private async Task<IResult> CancelAsync(string id, CancellationToken cancellationToken)
    {
        var (jobId, error) = ParseId(id);
        if (error is not null) return error;
        var outcome = await _lifecycle.CancelAsync(jobId, CancelReason, cancellationToken);
        if (!outcome.Found) return NotFound(jobId);
        if (!outcome.Cancelled) return AdminJson.Ok(new CancelView("already_finished", outcome.State.ToName()));
        return AdminJson.Ok(new CancelView("cancelled", JobState.Cancelled.ToName()));
    }

    private async Task<IResult> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var (jobId, error) = ParseId(id);
        if (error is not null) return error;
        return await Browser.DeleteAsync(jobId, cancellationToken) switch
        {
            DeleteOutcome.Deleted => Results.NoContent(),
            DeleteOutcome.Live => AdminJson.Error(StatusCodes.Status409Conflict, $"Job {jobId} is not finished: cancel it first, then delete it."),
            _ => NotFound(jobId),
        };
    }
}
