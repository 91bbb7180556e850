using System.Diagnostics;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Telemetry;

public sealed class TraceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly ActivitySource Producer = new(SpanRecorder.ProducerSource);

    [Fact]
    public async Task One_trace_runs_from_the_producer_through_the_node_to_the_worker_handler()
    {
        using var spans = new SpanRecorder();
        await using var cluster = await TestCluster.StartAsync();
        ActivityTraceId? handlerTrace = null;
        cluster.StartWorker(0, w => w.Handle("test.echo", _ =>
        {
            handlerTrace = Activity.Current?.TraceId;
            return Task.FromResult(JobResult.Complete());
        }));
        var client = cluster.Client();

        string id;
        ActivityTraceId traceId;
        using (var produce = Producer.StartActivity("produce", ActivityKind.Producer))
        {
            Assert.NotNull(produce);
            traceId = produce.TraceId;
            id = await client.EnqueueAsync("test.echo", "tracing");
        }
        await client.WaitForStateAsync(id, JobState.Completed);
        var finish = await spans.WaitForAsync("worcr.finish", traceId, id, Patience);
        var handle = await spans.WaitForAsync("worcr.handle", traceId, id, Patience);
        var assign = await spans.WaitForAsync("worcr.assign", traceId, id, Patience);
        var claim = await spans.WaitForAsync("worcr.claim", traceId, id, Patience);

        var trace = spans.InTrace(traceId);
        var enqueue = Assert.Single(trace, a => a.OperationName == "worcr.enqueue");
        Assert.All(new[] { claim, assign, handle, finish }, span => Assert.Equal(traceId, span.TraceId));
        Assert.Equal(traceId, handlerTrace);
        Assert.Equal(enqueue.SpanId, claim.ParentSpanId);
        Assert.Equal(assign.SpanId, handle.ParentSpanId);
        Assert.Equal("completed", finish.GetTagItem("worcr.outcome"));
    }

    [Fact]
    public async Task A_traceparent_in_the_spec_is_the_parent_of_the_enqueue_span()
    {
        using var spans = new SpanRecorder();
        await using var cluster = await TestCluster.StartAsync();
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));
        var traceId = ActivityTraceId.CreateRandom();
        var parentSpan = ActivitySpanId.CreateRandom();

        var id = await cluster.Client().EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "tracing", Traceparent = $"00-{traceId}-{parentSpan}-01" });
        var handle = await spans.WaitForAsync("worcr.handle", traceId, id, Patience);

        var enqueue = Assert.Single(spans.InTrace(traceId), a => a.OperationName == "worcr.enqueue");
        Assert.Equal(parentSpan, enqueue.ParentSpanId);
        Assert.Equal(traceId, handle.TraceId);
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_the_node_exports_the_spans_of_a_job()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var cluster = await TestCluster.StartAsync(configure: o => o.OtlpEndpoint = collector.Url);
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));
        var traceId = ActivityTraceId.CreateRandom();
        var traceIdBytes = Convert.FromHexString(traceId.ToHexString());

        var id = await cluster.Client().EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "tracing", Traceparent = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01" });
        await cluster.Client().WaitForStateAsync(id, JobState.Completed);

        // Spans are exported in batches (every 5 s by default), so one job's spans may come in more than one export;
        // OTLP carries the trace id as 16 raw bytes. Each wait fails the test if no further export of the trace comes.
        byte[] export;
        do export = await collector.WaitForAsync(OtlpReceiver.TraceExport, traceIdBytes, Patience);
        while (export.AsSpan().IndexOf("worcr.enqueue"u8) < 0);
    }

    [Fact]
    public async Task A_malformed_traceparent_is_ignored_and_the_job_runs()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));
        var client = cluster.Client();

        var id = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "tracing", Traceparent = "not-a-traceparent" });
        var job = await client.WaitForStateAsync(id, JobState.Completed);

        Assert.Equal(1, job.Attempt);
    }
}
