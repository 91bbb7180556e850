using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Telemetry;

public sealed class MetricsEndpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Running_jobs_moves_the_job_counters_on_GET_metrics()
    {
        const int jobCount = 5;
        var tenant = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = await TestCluster.StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };
        cluster.StartWorker(0, w => w
            .Handle("test.echo", _ => Task.FromResult(JobResult.Complete()))
            .Handle("test.count", _ => Task.FromResult(JobResult.Fail("broken", retryable: false))));
        var client = cluster.Client();

        var ids = await client.EnqueueBatchAsync(Enumerable.Range(0, jobCount).Select(_ => new JobSpec { Type = "test.echo", Tenant = tenant }));
        var dead = await client.EnqueueAsync(new JobSpec { Type = "test.count", Tenant = tenant });
        foreach (var id in ids) await client.WaitForStateAsync(id, JobState.Completed);
        await client.WaitForStateAsync(dead, JobState.Dead);

        var echo = new[] { ("type", "test.echo"), ("tenant", tenant) };
        var text = await Eventually.ReadUntilAsync(
            () => http.GetStringAsync("/metrics"),
            metrics => PrometheusText.Value(metrics, "worcr_jobs_completed_total", echo) >= jobCount
                && PrometheusText.Value(metrics, "worcr_jobs_dead_total", ("type", "test.count"), ("tenant", tenant)) >= 1,
            Patience, "the completed and dead counters of the test's tenant");
        Assert.Equal(jobCount, PrometheusText.Value(text, "worcr_jobs_enqueued_total", echo));
        Assert.Equal(jobCount, PrometheusText.Value(text, "worcr_jobs_started_total", echo));
        Assert.Equal(jobCount, PrometheusText.Value(text, "worcr_jobs_completed_total", echo));
        Assert.Equal(0, PrometheusText.Value(text, "worcr_jobs_failed_total", echo));
        Assert.Equal(1, PrometheusText.Value(text, "worcr_jobs_failed_total", ("type", "test.count"), ("tenant", tenant)));
        Assert.Equal(jobCount, PrometheusText.Value(text, "worcr_job_run_duration_seconds_count", echo));
        Assert.Equal(jobCount, PrometheusText.Value(text, "worcr_job_wait_duration_seconds_count", echo));
        Assert.Equal(1, PrometheusText.Value(text, "worcr_workers_connected"));
    }

    [Fact]
    public async Task Cancelled_and_expired_jobs_are_counted_by_type_and_tenant()
    {
        var tenant = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = await TestCluster.StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };
        var client = cluster.Client();

        // No worker handles test.slow, so both jobs wait until the cancel and the expiry end them.
        var cancelled = await client.EnqueueAsync("test.slow", tenant);
        await client.CancelAsync(cancelled);
        var expiring = await client.EnqueueAsync(new JobSpec
        {
            Type = "test.slow", Tenant = tenant, ExpiresAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMilliseconds(300)),
        });
        await client.WaitForStateAsync(expiring, JobState.Expired);

        var slow = new[] { ("type", "test.slow"), ("tenant", tenant) };
        var text = await Eventually.ReadUntilAsync(
            () => http.GetStringAsync("/metrics"),
            metrics => PrometheusText.Value(metrics, "worcr_jobs_expired_total", slow) >= 1,
            Patience, "the expired counter of the test's tenant");
        Assert.Equal(1, PrometheusText.Value(text, "worcr_jobs_cancelled_total", slow));
        Assert.Equal(1, PrometheusText.Value(text, "worcr_jobs_expired_total", slow));
        Assert.Equal(2, PrometheusText.Value(text, "worcr_jobs_enqueued_total", slow));
        Assert.Equal(0, PrometheusText.Value(text, "worcr_jobs_started_total", slow));
    }

    [Fact]
    public async Task GET_metrics_serves_runtime_PostgreSQL_and_HTTP_metrics_too()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };
        await http.GetStringAsync("/healthz");

        var text = await Eventually.ReadUntilAsync(
            () => http.GetStringAsync("/metrics"),
            metrics => metrics.Contains("http_server_request_duration_seconds", StringComparison.Ordinal),
            Patience, "the HTTP server metrics");
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", text, StringComparison.Ordinal);
        Assert.Contains("db_client_operation_duration_seconds_bucket", text, StringComparison.Ordinal);
        // The framework's streams have a view of their own (a smaller cardinality limit): it keeps the bucket
        // bounds their instruments advise (ASP.NET Core's start at 5 ms, the SDK's default would start at 0).
        Assert.Contains("http_server_request_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("le=\"0.005\"", text.Split('\n').First(line => line.StartsWith("http_server_request_duration_seconds_bucket{", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("worcr_workers_free_capacity", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_node_in_one_process_reports_only_its_own_jobs()
    {
        var tenant = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = await TestCluster.StartAsync(nodes: 2);
        using var first = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };
        using var second = new HttpClient { BaseAddress = cluster.Nodes[1].HttpAddress };

        await cluster.Client(0).EnqueueAsync("test.echo", tenant);
        await cluster.Client(0).EnqueueAsync("test.echo", tenant);
        await cluster.Client(1).EnqueueAsync("test.echo", tenant);

        var echo = new[] { ("type", "test.echo"), ("tenant", tenant) };
        Assert.Equal(2, PrometheusText.Value(await first.GetStringAsync("/metrics"), "worcr_jobs_enqueued_total", echo));
        Assert.Equal(1, PrometheusText.Value(await second.GetStringAsync("/metrics"), "worcr_jobs_enqueued_total", echo));
    }
}
