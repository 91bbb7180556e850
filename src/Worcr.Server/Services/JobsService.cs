using Grpc.Core;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Scripting;
using Worcr.Server.Dispatch;
using Worcr.Server.Hosting;

namespace Worcr.Server.Services;

/// <summary>The producer API (worcr.v1.Jobs): validates, translates, calls the store.</summary>
internal sealed class JobsService : Jobs.JobsBase
{
    public const int MaxBatch = 10_000;
    private readonly NodeServices _node;
    private readonly WatchService _watch;

    public JobsService(NodeServices node)
    {
        _node = node;
        _watch = new WatchService(node);
    }

    public override async Task<EnqueueResponse> Enqueue(EnqueueRequest request, ServerCallContext context)
    {
        var scope = await _node.Authenticator.AuthenticateProducerAsync(context);
        if (request.Job is null) throw new RpcException(new Status(StatusCode.InvalidArgument, "EnqueueRequest.job is required."));
        using var span = Telemetry.NodeActivities.StartEnqueue(request.Job.Traceparent, 1);
        var job = await ToNewJobAsync(request.Job, "job", scope, context.CancellationToken);
        // Concurrent single calls share a commit (EnqueueBatcher); a batch call below is one transaction of its own.
        var enqueued = await _node.Enqueues.EnqueueAsync(job, context.CancellationToken);
        PublishEnqueued([job], [enqueued]);
        return ToResponse(enqueued);
    }

    public override async Task<EnqueueBatchResponse> EnqueueBatch(EnqueueBatchRequest request, ServerCallContext context)
    {
        var scope = await _node.Authenticator.AuthenticateProducerAsync(context);
        if (request.Jobs.Count == 0) throw new RpcException(new Status(StatusCode.InvalidArgument, "EnqueueBatchRequest.jobs is empty."));
        if (request.Jobs.Count > MaxBatch) throw new RpcException(new Status(StatusCode.InvalidArgument, $"At most {MaxBatch} jobs per EnqueueBatch call; split the batch."));
        using var span = Telemetry.NodeActivities.StartEnqueue("", request.Jobs.Count);
        var response = new EnqueueBatchResponse();
        response.Results.AddRange(await EnqueueManyAsync(request.Jobs, scope, context));
        return response;
    }

    public override Task Watch(WatchJobsRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context) =>
        _watch.WatchAsync(request, responseStream, context);

    private async Task<IReadOnlyList<EnqueueResponse>> EnqueueManyAsync(IReadOnlyList<JobSpec> specs, ProducerScope scope, ServerCallContext context)
    {
        var jobs = new List<NewJob>(specs.Count);
        for (var i = 0; i < specs.Count; i++) jobs.Add(await ToNewJobAsync(specs[i], specs.Count == 1 ? "job" : $"jobs[{i}]", scope, context.CancellationToken));
        var enqueued = await _node.Store.EnqueueAsync(jobs, context.CancellationToken);
        PublishEnqueued(jobs, enqueued);
        return enqueued.Select(ToResponse).ToList();
    }

    private async Task<NewJob> ToNewJobAsync(JobSpec spec, string field, ProducerScope scope, CancellationToken cancellationToken)
    {
        JobSpecValidator.ValidateSpec(spec, field);
        scope.RequireTenant(spec.Tenant, $"{field}.tenant");
        await _node.JobTypes.RequireKnownAsync(spec.Type, $"{field}.type", cancellationToken);
        var typeSettings = await _node.JobTypes.SettingsAsync(spec.Type, cancellationToken);
        return ToNewJob(spec, field, typeSettings);
    }

    private static EnqueueResponse ToResponse(EnqueuedJob enqueued) =>
        new() { JobId = Messages.JobId(enqueued.Id), Duplicate = enqueued.Duplicate, State = Messages.ToProto(enqueued.State) };

    private void PublishEnqueued(IReadOnlyList<NewJob> jobs, IReadOnlyList<EnqueuedJob> enqueued)
    {
        for (var i = 0; i < enqueued.Count; i++)
        {
            if (enqueued[i].Duplicate) continue;
            _node.Events.Publisher.PublishState(jobs[i].Tenant, enqueued[i].Id, enqueued[i].State, 0);
            _node.Telemetry?.Enqueued(jobs[i]);
        }
    }

    /// <summary>
    /// The job as it will be stored: the producer's spec, then the enqueue rules' changes (a rule's value wins
    /// over the spec's: rules are the operators' policy). A failing rule changes nothing and is logged. What both
    /// leave unset comes from the job type's settings, then the node's defaults.
    /// </summary>
    private NewJob ToNewJob(JobSpec spec, string field, JobTypeSettings typeSettings)
    {
        var argsJson = JobSpecValidator.ValidateJson(spec.ArgsJson, $"{field}.args_json");
        var tags = Core.Lanes.Lane.NormaliseTags(spec.Tags);
        var facts = new JobFacts(spec.Type, spec.Tenant, tags, argsJson, 0, _node.Time.GetUtcNow());
        var (book, ruleStart) = (_node.Rules.Current, System.Diagnostics.Stopwatch.GetTimestamp());
        var (changes, errors) = book.ApplyEnqueue(facts);
        _node.Telemetry?.RulesEvaluated(Telemetry.RuleKindLabel.Enqueue, book.Enqueue.Count, ruleStart, errors.Count);
        foreach (var error in errors) ServerLog.RuleFailed(_node.Logger, error);
        var weight = changes.Weight ?? (spec.Weight == 0 ? 1 : spec.Weight);
        var maxAttempts = changes.MaxAttempts ?? (spec.MaxAttempts == 0 ? typeSettings.MaxAttempts ?? _node.Options.DefaultMaxAttempts : spec.MaxAttempts);
        if (weight <= 0 || double.IsNaN(weight) || double.IsInfinity(weight)) weight = 1;
        var finalTags = changes.ExtraTags.Count == 0 ? tags : Core.Lanes.Lane.NormaliseTags([.. tags, .. changes.ExtraTags]);
        return new NewJob(
            Tenant: spec.Tenant,
            Type: spec.Type,
            Tags: finalTags,
            ArgsJson: argsJson,
            Weight: weight,
            MaxAttempts: Math.Clamp(maxAttempts, 1, 1000),
            RunAt: changes.RunAt ?? spec.RunAt?.ToDateTimeOffset(),
            ExpiresAt: changes.ExpiresAt ?? spec.ExpiresAt?.ToDateTimeOffset(),
            UniqueKey: string.IsNullOrEmpty(spec.UniqueKey) ? null : spec.UniqueKey,
            UniqueWindow: spec.UniqueWindow?.ToTimeSpan())
        {
            // Computed once, here: the keys become part of the job's lane (docs/fairness-and-limits.md).
            LimitKeys = Limits.LimitKeys.Compute(_node.Limits.Catalog.Current, _node.Rules.Current, facts with { Tags = finalTags }, changes.LimitKeys, _node.Logger),
            TraceParent = Telemetry.NodeActivities.ForJob(spec.Traceparent),
        };
    }

    public override async Task<GetJobResponse> Get(GetJobRequest request, ServerCallContext context)
    {
        var scope = await _node.Authenticator.AuthenticateProducerAsync(context);
        var id = RequireJobId(request.JobId);
        var record = await _node.Store.GetAsync(id, context.CancellationToken);
        if (record is null || !scope.Sees(record.Tenant)) throw new RpcException(new Status(StatusCode.NotFound, $"Job {request.JobId} does not exist."));
        var response = new GetJobResponse { Job = Messages.ToProto(record) };
        if (request.LogLines > 0)
        {
            var logs = await _node.Store.ReadLogsAsync(id, Math.Min(request.LogLines, 10_000), context.CancellationToken);
            response.Logs.AddRange(logs.Select(Messages.ToProto));
        }
        return response;
    }

    public override async Task<CancelJobResponse> Cancel(CancelJobRequest request, ServerCallContext context)
    {
        var scope = await _node.Authenticator.AuthenticateProducerAsync(context);
        var id = RequireJobId(request.JobId);
        await RequireVisibleAsync(scope, id, request.JobId, context.CancellationToken);
        var reason = string.IsNullOrEmpty(request.Reason) ? "cancelled" : request.Reason;
        var outcome = await _node.Store.CancelAsync(id, reason, context.CancellationToken);
        if (!outcome.Found) throw new RpcException(new Status(StatusCode.NotFound, $"Job {request.JobId} does not exist."));
        if (outcome.Cancelled) _node.Events.Publisher.PublishState(outcome.Tenant, id, Core.Jobs.JobState.Cancelled, outcome.Attempt, reason);
        _node.Telemetry?.Cancelled(outcome);
        return new CancelJobResponse { Cancelled = outcome.Cancelled, State = Messages.ToProto(outcome.State) };
    }

    public override async Task<RetryJobResponse> Retry(RetryJobRequest request, ServerCallContext context)
    {
        var scope = await _node.Authenticator.AuthenticateProducerAsync(context);
        var id = RequireJobId(request.JobId);
        await RequireVisibleAsync(scope, id, request.JobId, context.CancellationToken);
        var outcome = await _node.Store.RetryJobAsync(id, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"Job {request.JobId} does not exist."));
        // Watchers see the job come back as they see every other manual transition. No webhook: waiting is not a
        // webhook event, and the outbox triggers cover every state that is.
        if (outcome.Retried) _node.Events.Publisher.PublishState(outcome.Tenant, id, outcome.State, outcome.Attempt);
        return new RetryJobResponse { State = Messages.ToProto(outcome.State) };
    }

    /// <summary>A tenant-bound caller may act only on its tenant's jobs; others look missing. No extra read for the operator.</summary>
    private async Task RequireVisibleAsync(ProducerScope scope, long id, string jobId, CancellationToken cancellationToken)
    {
        if (scope.Tenant is null) return;
        var states = await _node.Store.GetStatesAsync([id], cancellationToken);
        if (states.Count == 0 || !scope.Sees(states[0].Tenant)) throw new RpcException(new Status(StatusCode.NotFound, $"Job {jobId} does not exist."));
    }

    private static long RequireJobId(string jobId) =>
        Messages.ParseJobId(jobId) ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"'{jobId}' is not a job id."));
}
