using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;

namespace Worcr.Server.Tests.Telemetry;

/// <summary>
/// Records the spans of the node, the worker SDK and the test's own producer source, as an exporter would see them
/// (every span sampled and recorded). Listeners are process-wide, so tests pick their spans by trace or job id.
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    public const string ProducerSource = "Worcr.Tests.Producer";
    private static readonly string[] Sources = ["Worcr.Server", "Worcr.Worker", ProducerSource];

    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly Channel<Activity> _signal = Channel.CreateUnbounded<Activity>();

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => Sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                _stopped.Enqueue(activity);
                _signal.Writer.TryWrite(activity);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> InTrace(ActivityTraceId traceId) => _stopped.Where(a => a.TraceId == traceId).ToList();

    /// <summary>
    /// Waits until a span with this name, trace and job id has ended. The trace is part of the match because job
    /// ids repeat across the schemas of tests running at the same time, and the listener hears them all.
    /// </summary>
    public async Task<Activity> WaitForAsync(string name, ActivityTraceId traceId, string jobId, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        Func<Activity, bool> matches = a => a.OperationName == name && a.TraceId == traceId && (a.GetTagItem("worcr.job_id") as string) == jobId;
        while (true)
        {
            if (_stopped.FirstOrDefault(matches) is { } found) return found;
            await _signal.Reader.WaitToReadAsync(deadline.Token);
            while (_signal.Reader.TryRead(out _))
            {
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
