using System.Diagnostics;
using Worcr.Protocol.V1;

namespace Worcr.Worker.Telemetry;

/// <summary>
/// The SDK's spans. A handler runs inside a "worcr.handle" span whose parent is the trace context the node sent
/// with the Assign, so it joins the trace that began at the job's enqueue. Enqueue sends the current Activity's
/// context with each job. Add <see cref="SourceName"/> to your tracer provider to export the spans.
/// </summary>
public static class WorkerActivities
{
    /// <summary>The ActivitySource name of the SDK's spans.</summary>
    public const string SourceName = "Worcr.Worker";

    internal static readonly ActivitySource Source = new(SourceName);

    /// <summary>The handler's span (null when nothing listens); the handler runs with it as <see cref="Activity.Current"/>.</summary>
    internal static Activity? StartHandler(Assign assign)
    {
        if (!Source.HasListeners()) return null;
        ActivityContext.TryParse(assign.Traceparent, null, out var parent);
        var activity = Source.StartActivity("worcr.handle", ActivityKind.Consumer, parent);
        return activity?.SetTag("worcr.job_id", assign.JobId).SetTag("worcr.attempt", assign.Attempt)
            .SetTag("worcr.job_type", assign.Type).SetTag("worcr.tenant", assign.Tenant);
    }

    /// <summary>Marks the span with how the attempt ended.</summary>
    internal static void Ended(Activity? activity, JobResult result)
    {
        if (activity is null) return;
        switch (result)
        {
            case JobResult.Completed:
                activity.SetTag("worcr.outcome", "completed");
                break;
            case JobResult.Failed failed:
                activity.SetTag("worcr.outcome", "failed").SetStatus(ActivityStatusCode.Error, failed.Error);
                break;
            default:
                activity.SetTag("worcr.outcome", "yielded");
                break;
        }
    }

    /// <summary>
    /// The spec to send: as given when it names its trace context or no W3C Activity is current, else a copy
    /// carrying the current Activity's traceparent (the caller's spec is never changed).
    /// </summary>
    internal static JobSpec WithTraceParent(JobSpec spec)
    {
        if (spec.Traceparent.Length > 0 || Activity.Current is not { IdFormat: ActivityIdFormat.W3C, Id: { } id }) return spec;
        var copy = spec.Clone();
        copy.Traceparent = id;
        return copy;
    }
}
