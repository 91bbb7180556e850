using Grpc.Core;
using Microsoft.Extensions.Options;
using Worcr.Core.Errors;
using Worcr.Core.Input;
using Worcr.Core.Jobs;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Scripting;
using Worcr.Server.Events;
using Worcr.Server.Hosting;
using Worcr.Server.Identity;
using Worcr.Server.Lifecycle;
using Worcr.Server.Telemetry;
using Worcr.Server.Transport;

namespace Worcr.Server.Enqueue;

/// <summary>The producer API (worcr.v1.Jobs): checks and translates requests; the job lifecycle moves the jobs.</summary>
[BindServiceMethod(typeof(JobsBinding), nameof(JobsBinding.BindService))]
internal sealed class JobsService : Jobs.JobsBase
{
    private readonly Authenticator _authenticator;
    private readonly JobLifecycle _lifecycle;
    private readonly JobStore _store;
    private readonly WatchService _watch;
    private readonly int _maxMessageSize;

    public JobsService(Authenticator authenticator, JobLifecycle lifecycle, JobStore store, WatchService watch, IOptions<ListenerOptions> listener)
    {
        _authenticator = authenticator;
        _lifecycle = lifecycle;
        _store = store;
        _watch = watch;
        _maxMessageSize = listener.Value.MaxMessageSize;
    }

    public override async Task<EnqueueResponse> Enqueue(EnqueueRequest request, ServerCallContext context)
    {
        var scope = await _authenticator.AuthenticateProducerAsync(context);
        if (request.Job is null) throw WorcrError.InvalidArgument("EnqueueRequest.job is required.");
        using var span = Telemetry.NodeActivities.StartEnqueue(request.Job.Traceparent, 1);
        // Concurrent single calls share a commit; a batch call below is one transaction of its own.
        var enqueued = await _lifecycle.EnqueueAsync(ToSubmission(request.Job, "job", scope), context.CancellationToken);
        return ToResponse(enqueued);
    }

    public override async Task<EnqueueBatchResponse> EnqueueBatch(EnqueueBatchRequest request, ServerCallContext context)
    {
        var scope = await _authenticator.AuthenticateProducerAsync(context);
        if (request.Jobs.Count == 0) throw WorcrError.InvalidArgument("EnqueueBatchRequest.jobs is empty.");
        if (request.Jobs.Count > InputLimits.MaxBatch) throw WorcrError.InvalidArgument($"jobs: at most {InputLimits.MaxBatch} jobs per EnqueueBatch call; split the batch.");
        using var span = Telemetry.NodeActivities.StartEnqueue("", request.Jobs.Count);
        var submissions = request.Jobs.Select((spec, i) => ToSubmission(spec, request.Jobs.Count == 1 ? "job" : $"jobs[{i}]", scope)).ToList();
        var enqueued = await _lifecycle.EnqueueBatchAsync(submissions, context.CancellationToken);
        var response = new EnqueueBatchResponse();
        response.Results.AddRange(enqueued.Select(ToResponse));
        return response;
    }

    public override Task Watch(WatchJobsRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context) =>
        _watch.WatchAsync(request, responseStream, context);

    /// <summary>The spec checked field by field, as the lifecycle's enqueue policy takes it.</summary>
    private static JobSubmission ToSubmission(JobSpec spec, string field, ProducerScope scope)
    {
        JobSpecValidator.ValidateSpec(spec, field);
        scope.RequireTenant(spec.Tenant, new FieldName(field, "tenant"));
        var args = JobSpecValidator.ValidateJson(spec.ArgsJson, new FieldName(field, "args_json"), out var argsStoredBytes);
        return new JobSubmission(
            Field: field,
            Tenant: spec.Tenant,
            Type: spec.Type,
            Tags: spec.Tags,
            ArgsJson: args,
            Weight: spec.Weight,
            MaxAttempts: spec.MaxAttempts,
            RunAt: spec.RunAt?.ToDateTimeOffset(),
            ExpiresAt: spec.ExpiresAt?.ToDateTimeOffset(),
            UniqueKey: spec.UniqueKey,
            UniqueWindow: spec.UniqueWindow?.ToTimeSpan(),
            TraceParent: spec.Traceparent)
        { ArgsStoredBytes = argsStoredBytes };
    }

    private static EnqueueResponse ToResponse(EnqueuedJob enqueued) =>
        new() { JobId = Messages.JobId(enqueued.Id), Duplicate = enqueued.Duplicate, State = Messages.ToProto(enqueued.State) };

    public override async Task<GetJobResponse> Get(GetJobRequest request, ServerCallContext context)
    {
        var scope = await _authenticator.AuthenticateProducerAsync(context);
        var id = RequireJobId(request.JobId);
        var record = await _store.GetAsync(id, context.CancellationToken);
        if (record is null || !scope.Sees(record.Tenant)) throw WorcrError.NotFound($"Job {request.JobId} does not exist.");
        var response = new GetJobResponse { Job = Messages.ToProto(record) };
        if (request.LogLines > 0)
        {
            var logs = await _store.ReadLogsAsync(id, Math.Min(request.LogLines, InputLimits.MaxLogLinesPerGet), context.CancellationToken);
            // The answer must fit the node's message limit, or the caller gets RESOURCE_EXHAUSTED and not the job.
            var (fitting, omitted) = LogTailFit.Fit(logs.Select(Messages.ToProto).ToList(), _maxMessageSize - response.CalculateSize());
            response.Logs.AddRange(fitting);
            response.LogLinesOmitted = omitted;
        }
        return response;
    }

    public override async Task<CancelJobResponse> Cancel(CancelJobRequest request, ServerCallContext context)
    {
        var scope = await _authenticator.AuthenticateProducerAsync(context);
        var id = RequireJobId(request.JobId);
        JobSpecValidator.ValidateText(request.Reason, "reason", InputLimits.MaxReasonLength);
        await RequireVisibleAsync(scope, id, request.JobId, context.CancellationToken);
        var reason = string.IsNullOrEmpty(request.Reason) ? "cancelled" : request.Reason;
        var outcome = await _lifecycle.CancelAsync(id, reason, context.CancellationToken);
        if (!outcome.Found) throw WorcrError.NotFound($"Job {request.JobId} does not exist.");
        return new CancelJobResponse { Cancelled = outcome.Cancelled, State = Messages.ToProto(outcome.State) };
    }

    public override async Task<RetryJobResponse> Retry(RetryJobRequest request, ServerCallContext context)
    {
        var scope = await _authenticator.AuthenticateProducerAsync(context);
        var id = RequireJobId(request.JobId);
        await RequireVisibleAsync(scope, id, request.JobId, context.CancellationToken);
        // Only dead, expired and cancelled jobs come back here; a failed job keeps its own retry time.
        var outcome = await _lifecycle.RetryAsync(id, failedToo: false, context.CancellationToken)
            ?? throw WorcrError.NotFound($"Job {request.JobId} does not exist.");
        return new RetryJobResponse { State = Messages.ToProto(outcome.State) };
    }

    /// <summary>A tenant-bound caller may act only on its tenant's jobs; others look missing. No extra read for the operator.</summary>
    private async Task RequireVisibleAsync(ProducerScope scope, long id, string jobId, CancellationToken cancellationToken)
    {
        if (scope.Tenant is null) return;
        var states = await _store.GetStatesAsync([id], cancellationToken);
        if (states.Count == 0 || !scope.Sees(states[0].Tenant)) throw WorcrError.NotFound($"Job {jobId} does not exist.");
    }

    private static long RequireJobId(string jobId) =>
        Messages.ParseJobId(jobId) ?? throw WorcrError.InvalidArgument($"job_id: {TextCheck.Quote(jobId)} is not a job id.");
}
