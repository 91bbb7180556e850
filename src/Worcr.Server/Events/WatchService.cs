using Grpc.Core;
using Worcr.Core.Errors;
using Worcr.Core.Input;
using Worcr.Core.Jobs;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Server.Enqueue;
using Worcr.Server.Identity;
using Worcr.Server.Transport;

namespace Worcr.Server.Events;

/// <summary>
/// Jobs.Watch: the current state of each named job from PostgreSQL first, then live events as nodes publish them.
/// Subscribing comes before that first read, so nothing that happens in between is missed. A watch of named jobs
/// ends when all of them reached a final state. A tenant key revoked while the call is open ends it (UNAUTHENTICATED)
/// before anything more is sent (<see cref="Authenticator.RequireStillValidAsync"/>). A caller holds at most
/// <see cref="Hosting.WatchOptions.MaxWatchesPerTenant"/> Watch calls open on this node (<see cref="WatchSlots"/>).
/// </summary>
internal sealed class WatchService
{
    // A watch of named jobs that hears nothing for this long re-reads their states: a lost batch cannot leave it waiting forever.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private readonly Authenticator _authenticator;
    private readonly LiveEvents _events;
    private readonly JobStore _store;
    private readonly WatchSlots _slots;

    public WatchService(Authenticator authenticator, LiveEvents events, JobStore store, WatchSlots slots)
    {
        _authenticator = authenticator;
        _events = events;
        _store = store;
        _slots = slots;
    }

    public async Task WatchAsync(WatchJobsRequest request, IServerStreamWriter<JobEvent> responses, ServerCallContext context)
    {
        var scope = await _authenticator.AuthenticateProducerAsync(context);
        var filter = FilterOf(request, scope);
        var ct = context.CancellationToken;
        // Taken before subscribing and given back after the watcher left the hub: a refused call costs nothing more.
        using var slot = _slots.Take(scope);
        using var watcher = await _events.WatchAsync(filter, ct);
        var jobs = new WatchedJobs(filter);
        var current = await _store.GetStatesAsync(filter.JobIds, ct);
        RequireVisible(filter, current);
        await SendStatesAsync(current, jobs, responses, ct);
        while (!jobs.Done)
        {
            var next = await watcher.ReadAsync(Patience, ct);
            if (watcher.IsCutOff) throw SlowReader();
            // Checked before anything more is sent: a tenant key revoked since the call began ends it here.
            await _authenticator.RequireStillValidAsync(scope, context);
            if (watcher.TakeLost() || (next is null && filter.HasJobIds)) await CatchUpAsync(jobs, responses, ct);
            if (next is not null && jobs.Accept(next)) await responses.WriteAsync(next, ct);
        }
    }

    private static WorcrError SlowReader() => WorcrError.ResourceExhausted(
        $"Watch: this call read its events too slowly (more than {EventWatcher.Capacity} events or {EventWatcher.MaxBytes} bytes were waiting); " +
        "it was cut off. Watch again (and read faster, or watch fewer jobs).");

    private async Task CatchUpAsync(WatchedJobs jobs, IServerStreamWriter<JobEvent> responses, CancellationToken ct)
    {
        var unfinished = jobs.Unfinished;
        if (unfinished.Count > 0) await SendStatesAsync(await _store.GetStatesAsync(unfinished, ct), jobs, responses, ct);
    }

    private static async Task SendStatesAsync(IReadOnlyList<JobStateRecord> states, WatchedJobs jobs, IServerStreamWriter<JobEvent> responses, CancellationToken ct)
    {
        foreach (var state in states)
        {
            var jobEvent = JobEvents.StateChanged(state);
            if (jobs.Accept(jobEvent)) await responses.WriteAsync(jobEvent, ct);
        }
    }

    /// <summary>The request's filter; a tenant-bound caller watches its own tenant only (named jobs of others look missing).</summary>
    private static WatchFilter FilterOf(WatchJobsRequest request, ProducerScope scope)
    {
        if (request.JobIds.Count > InputLimits.MaxWatchedJobs) throw WorcrError.InvalidArgument($"job_ids: at most {InputLimits.MaxWatchedJobs} per Watch call.");
        var ids = new HashSet<long>();
        foreach (var jobId in request.JobIds)
        {
            ids.Add(Messages.ParseJobId(jobId) ?? throw WorcrError.InvalidArgument($"job_ids: {TextCheck.Quote(jobId)} is not a job id."));
        }
        if (!string.IsNullOrEmpty(request.Tenant)) JobSpecValidator.ValidateTenant(request.Tenant, "tenant");
        var tenant = string.IsNullOrEmpty(request.Tenant) ? scope.Tenant : request.Tenant;
        if (tenant is not null && !scope.Sees(tenant)) throw WorcrError.PermissionDenied($"tenant: this API key belongs to tenant '{scope.Tenant}' and may not watch tenant {TextCheck.QuoteName(tenant, InputLimits.MaxTenantLength)}.");
        return new WatchFilter(ids, tenant);
    }

    // A job of another tenant is reported as missing, not as forbidden: its existence is not the caller's business.
    private static void RequireVisible(WatchFilter filter, IReadOnlyList<JobStateRecord> states)
    {
        var visible = states.Where(s => filter.Tenant is null || s.Tenant == filter.Tenant).Select(s => s.Id).ToHashSet();
        var missing = filter.JobIds.FirstOrDefault(id => !visible.Contains(id), -1);
        if (missing != -1) throw WorcrError.NotFound($"Job {Messages.JobId(missing)} does not exist.");
    }
}
