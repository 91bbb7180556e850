using System.Diagnostics;
using Worcr.Core.Dispatch;
using Worcr.Postgres;
using Worcr.Protocol.V1;

namespace Worcr.Server.Telemetry;

/// <summary>
/// The node's spans: enqueue, claim, assign and finish, each joined to the trace the job carries (its stored W3C
/// traceparent), so one trace shows a job from its producer through the node to the worker's handler span and back.
/// With no listener (no tracing configured) every method returns at once and nothing is allocated.
/// </summary>
internal static class NodeActivities
{
    public const string SourceName = "Worcr.Server";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The span of one Enqueue or EnqueueBatch call; its parent is the producer's traceparent if valid, else the incoming call's trace.</summary>
    public static Activity? StartEnqueue(string traceparent, int jobs)
    {
        if (!Source.HasListeners()) return null;
        var activity = TryParse(traceparent, out var parent)
            ? Source.StartActivity("worcr.enqueue", ActivityKind.Server, parent)
            : Source.StartActivity("worcr.enqueue", ActivityKind.Server);
        activity?.SetTag("worcr.jobs", jobs);
        return activity;
    }

    /// <summary>
    /// The trace context stored with a job: the enqueue span's when it continues the given traceparent (or no
    /// traceparent was given), the given one when valid, else the incoming call's when the call carried one. Null
    /// otherwise: a job enqueued with no trace context starts none.
    /// </summary>
    public static string? ForJob(string traceparent)
    {
        var current = Activity.Current;
        var ours = current is not null && current.Source == Source && current.IdFormat == ActivityIdFormat.W3C;
        if (TryParse(traceparent, out var given)) return ours && current!.TraceId == given.TraceId ? current.Id : traceparent;
        if (ours) return current!.Id;
        return current is { Parent: null, ParentId: not null, IdFormat: ActivityIdFormat.W3C } ? current.Id : null;
    }

    /// <summary>A short span per claimed job that carries a trace: from the start of the claim to now.</summary>
    public static void Claimed(IReadOnlyList<ClaimedJob> jobs, string workerId, DateTimeOffset claimStarted)
    {
        if (!Source.HasListeners()) return;
        foreach (var job in jobs)
        {
            if (!TryParse(job.TraceParent, out var parent)) continue;
            using var activity = Source.StartActivity("worcr.claim", ActivityKind.Internal, parent, startTime: claimStarted);
            Describe(activity, job.Id, job.Attempt, job.Lane.Type, job.Lane.Tenant)?.SetTag("worcr.worker_id", workerId);
        }
    }

    /// <summary>
    /// The span of writing an Assign to the worker's stream. The Assign then carries this span's context, so the
    /// worker's handler span is its child. Dispose it once the message is written.
    /// </summary>
    public static Activity? StartAssign(DispatcherMessage message, string workerId)
    {
        if (message.Assign is not { } assign || !Source.HasListeners() || !TryParse(assign.Traceparent, out var parent)) return null;
        var activity = Source.StartActivity("worcr.assign", ActivityKind.Producer, parent);
        if (activity is null) return null;
        Describe(activity, assign.JobId, assign.Attempt, assign.Type, assign.Tenant)?.SetTag("worcr.worker_id", workerId);
        assign.Traceparent = activity.Id;
        return activity;
    }

    /// <summary>A span marking the node's handling of the attempt's outcome (complete, fail or yield).</summary>
    public static void Finished(ClaimedJob job, JobOutcome outcome)
    {
        if (!Source.HasListeners() || !TryParse(job.TraceParent, out var parent)) return;
        using var activity = Source.StartActivity("worcr.finish", ActivityKind.Internal, parent);
        Describe(activity, job.Id, job.Attempt, job.Lane.Type, job.Lane.Tenant)?.SetTag("worcr.outcome", OutcomeName(outcome));
        if (outcome == JobOutcome.Dead) activity?.SetStatus(ActivityStatusCode.Error, "dead");
    }

    public static string OutcomeName(JobOutcome outcome) => outcome switch
    {
        JobOutcome.Completed => "completed",
        JobOutcome.Retried => "retried",
        JobOutcome.Dead => "dead",
        _ => "yielded",
    };

    private static bool TryParse(string? traceparent, out ActivityContext context)
    {
        context = default;
        return !string.IsNullOrEmpty(traceparent) && ActivityContext.TryParse(traceparent, null, out context);
    }

    private static Activity? Describe(Activity? activity, object jobId, int attempt, string type, string tenant)
    {
        if (activity is null) return null;
        return activity.SetTag("worcr.job_id", jobId.ToString()).SetTag("worcr.attempt", attempt)
            .SetTag("worcr.job_type", type).SetTag("worcr.tenant", tenant);
    }
}
