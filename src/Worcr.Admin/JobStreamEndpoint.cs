using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Worcr.Postgres;
using Worcr.Server.Events;
using Worcr.Server.Hosting;

namespace Worcr.Admin;

/// <summary>
/// GET /api/jobs/{id}/stream: the job's live events as server-sent events, from whichever node they happen on (the
/// node's <see cref="EventHub"/>, fed by every node through Redis, as Jobs.Watch uses). It subscribes first, then
/// sends the job's current state, progress counters and checkpoints from PostgreSQL, then live events; when events were lost or nothing was heard for
/// a while, it re-reads the state. The stream stays open after a final state (a retry starts the job again) until
/// the client leaves or the node stops. A pump moves events from the hub's inbox into a bounded
/// <see cref="JobEventBuffer"/> that the writer drains, so a slow browser loses old progress values, not the node's time.
/// A session that ends while the stream is open (signed out, expired, its password changed) ends it before its next
/// write (<see cref="StreamAccess"/>).
/// </summary>
internal sealed class JobStreamEndpoint
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private readonly JobStore _store;
    private readonly Server.Events.LiveEvents _events;
    private readonly CancellationToken _draining;
    private readonly ILogger _logger;
    private readonly StreamAccess _access;

    public JobStreamEndpoint(JobStore store, Server.Events.LiveEvents events, NodeDraining draining, StreamAccess access, ILogger<JobStreamEndpoint> logger)
    {
        _store = store;
        _events = events;
        _draining = draining.Token;
        _access = access;
        _logger = logger;
    }

    public async Task StreamAsync(string id, HttpContext context)
    {
        var (jobId, error) = JobsEndpoints.ParseId(id);
        if (error is not null)
        {
            await error.ExecuteAsync(context);
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _draining);
        var ct = stop.Token;
        var filter = new WatchFilter([jobId], null);
        using var watcher = await _events.WatchAsync(filter, ct);
        var current = await _store.Browser.GetAsync(jobId, ct);
        if (current is null)
        {
            await JobsEndpoints.NotFound(jobId).ExecuteAsync(context);
            return;
        }
        var buffer = new JobEventBuffer();
        var accepted = new WatchedJobs(new WatchFilter([], null));
        foreach (var initial in InitialEvents(current)) Forward(initial, accepted, buffer);
        try
        {
            var stream = await EventStreamWriter.StartAsync(context, ct);
            var pump = PumpAsync(jobId, watcher, accepted, buffer, stop);
            try
            {
                await WriteAsync(context, stream, buffer, ct);
            }
            finally
            {
                // Whatever ended the writing ends the pump too, before the watcher and the token source go.
                await stop.CancelAsync();
                await pump;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client left or the node is stopping: the stream simply ends.
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }

    /// <summary>The job as stored when the stream starts: its state, then every progress counter and checkpoint.</summary>
    private static IEnumerable<Protocol.V1.JobEvent> InitialEvents(Postgres.JobDetailRecord job)
    {
        var summary = job.Summary;
        yield return JobEvents.StateChanged(summary.Id, summary.State, summary.Attempt, summary.LastError);
        foreach (var p in summary.Progress) yield return JobEvents.Progress(summary.Id, new Postgres.ProgressUpdate(summary.Id, summary.Attempt, p.Name, p.Current, p.Total, p.Text));
        foreach (var c in job.Checkpoints) yield return JobEvents.Checkpoint(summary.Id, c.Name, c.Value);
    }

    /// <summary>
    /// State changes pass in the job's order (a late, older one is left out); reports always pass, even after the final
    /// state: the last log lines of a run are written up to 200 ms after its completion is published.
    /// </summary>
    private static void Forward(Protocol.V1.JobEvent jobEvent, WatchedJobs accepted, JobEventBuffer buffer)
    {
        if (jobEvent.StateChanged is null || accepted.Accept(jobEvent)) buffer.Offer(jobEvent);
    }

    /// <summary>Hub inbox → buffer. If it fails (PostgreSQL away), the whole stream ends so the browser reconnects.</summary>
    private async Task PumpAsync(long jobId, EventWatcher watcher, WatchedJobs accepted, JobEventBuffer buffer, CancellationTokenSource stop)
    {
        await Task.Yield();
        var ct = stop.Token;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var next = await watcher.ReadAsync(Patience, ct);
                if (watcher.TakeLost() || next is null)
                {
                    foreach (var state in await _store.GetStatesAsync([jobId], ct)) Forward(JobEvents.StateChanged(state), accepted, buffer);
                }
                if (next is not null) Forward(next, accepted, buffer);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            AdminDataLog.JobStreamFailed(_logger, jobId, exception);
            await stop.CancelAsync();
        }
    }

    private async Task WriteAsync(HttpContext context, EventStreamWriter stream, JobEventBuffer buffer, CancellationToken ct)
    {
        long droppedNoted = 0;
        while (!ct.IsCancellationRequested)
        {
            var events = await buffer.TakeAsync(EventStreamWriter.HeartbeatInterval, ct);
            // Before anything more is sent: a session that ended since the stream began ends the stream here.
            if (!await _access.StillAllowedAsync(context, ct))
            {
                await stream.CommentAsync(StreamAccess.EndedComment, ct);
                return;
            }
            if (events.Count == 0) await stream.CommentAsync("heartbeat", ct);
            foreach (var jobEvent in events)
            {
                if (JobStreamViews.Of(jobEvent) is { } view) await stream.WriteAsync(view.Name, view.Data, ct);
            }
            if (buffer.DroppedLogs > droppedNoted)
            {
                droppedNoted = buffer.DroppedLogs;
                await stream.CommentAsync($"{droppedNoted} log lines dropped: the client read too slowly (GET /api/jobs/{{id}} has them)", ct);
            }
        }
    }
}
