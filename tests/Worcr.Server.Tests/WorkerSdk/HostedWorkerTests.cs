using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;
using Worcr.Worker.Hosting;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>A worker added with AddWorcrWorker to a Generic Host (Host.CreateApplicationBuilder), against a real node.</summary>
public sealed class HostedWorkerTests
{
    private sealed record EchoArgs(string Text);

    [Fact]
    public async Task A_host_runs_typed_and_class_handlers_and_logs_through_its_loggers()
    {
        await using var cluster = await TestCluster.StartAsync();
        var logs = new CapturingLoggerProvider();
        await using var host = await StartHostAsync(cluster, logs, worker => worker
            .AddHandler<EchoArgs>("test.echo", (args, job, _) => Task.FromResult(JobResult.Complete(new { echoed = args.Text, attempt = job.Attempt })))
            .AddHandler<CountingHandler, CountArgs>("test.count"));
        var client = cluster.Client();

        var echo = await client.EnqueueAsync("test.echo", "acme", new { text = "hi" });
        var count = await client.EnqueueAsync("test.count", "acme", new { n = 3 });
        var echoed = await client.WaitForStateAsync(echo, JobState.Completed);
        var counted = await client.WaitForStateAsync(count, JobState.Completed);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"echoed":"hi","attempt":1}"""), JsonNode.Parse(echoed.ResultJson)), echoed.ResultJson);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"counted":3,"from":0}"""), JsonNode.Parse(counted.ResultJson)), counted.ResultJson);
        Assert.Equal("3", counted.Checkpoints["step"]);
        Assert.Contains(logs.Lines, line => line.Category == typeof(WorcrWorker).FullName && line.Message.StartsWith("Connected to node", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Args_that_do_not_deserialize_make_the_job_dead_at_once_with_a_clear_error()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ran = 0;
        await using var host = await StartHostAsync(cluster, new CapturingLoggerProvider(), worker => worker
            .AddHandler<CountArgs>("test.count", (_, _, _) =>
            {
                Interlocked.Increment(ref ran);
                return Task.CompletedTask;
            }));
        var client = cluster.Client();

        var id = await client.EnqueueAsync(new JobSpec { Type = "test.count", Tenant = "acme", ArgsJson = """{"n":"many"}""", MaxAttempts = 5 });
        var job = await client.WaitForStateAsync(id, JobState.Dead);

        Assert.Equal(1, job.Attempt);
        Assert.Contains($"The args of job {id} (test.count) are not a valid CountArgs", job.LastError, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref ran));
    }

    [Fact]
    public async Task A_handler_throwing_a_non_retryable_failure_makes_the_job_dead_without_retries()
    {
        await using var cluster = await TestCluster.StartAsync();
        var logs = new CapturingLoggerProvider();
        await using var host = await StartHostAsync(cluster, logs, worker => worker.AddHandler<CountingHandler, CountArgs>("test.count"));
        var client = cluster.Client();

        var id = await client.EnqueueAsync(new JobSpec { Type = "test.count", Tenant = "acme", ArgsJson = """{"n":-1}""", MaxAttempts = 5 });
        var job = await client.WaitForStateAsync(id, JobState.Dead);

        Assert.Equal(1, job.Attempt);
        Assert.Equal("n must not be negative (got -1)", job.LastError);
        Assert.Contains(logs.Lines, line => line.Level == LogLevel.Warning && line.Message.Contains($"job {id} (test.count, attempt 1) failed; retryable: False", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_handler_class_gets_a_scope_of_its_own_per_attempt_disposed_when_it_ends()
    {
        await using var cluster = await TestCluster.StartAsync();
        await using var host = await StartHostAsync(cluster, new CapturingLoggerProvider(), worker => worker.AddHandler<CountingHandler, CountArgs>("test.count"));
        var client = cluster.Client();

        var first = await client.EnqueueAsync("test.count", "acme", new { n = 1 });
        var second = await client.EnqueueAsync("test.count", "acme", new { n = 1 });
        await client.WaitForStateAsync(first, JobState.Completed);
        await client.WaitForStateAsync(second, JobState.Completed);

        var made = host.Services.GetRequiredService<AttemptScopes>().Made();
        Assert.Equal(2, made.Length);
        Assert.All(made, scope => Assert.True(scope.Disposed));
    }

    [Fact]
    public async Task Stopping_the_host_lets_a_running_job_finish_before_the_worker_leaves()
    {
        await using var cluster = await TestCluster.StartAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The handler returns only after the test heard the worker leave: the grace must outlast those hops however
        // slow the machine (with 5 s the job could be yielded instead). The leave ends when the handler returns.
        await using var host = await StartHostAsync(cluster, new CapturingLoggerProvider(), worker => worker
            .AddHandler<CountArgs>("test.slow", async (_, _, _) =>
            {
                started.TrySetResult();
                await release.Task;
            }), shutdownGrace: TimeSpan.FromMinutes(1));
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.slow", "acme", new { n = 1 });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var leaving = host.Services.GetRequiredService<WorcrWorker>().SaidAsync("Leaving (shutdown)");

        var stopping = host.StopAsync();
        await leaving.WaitAsync(TimeSpan.FromSeconds(30));
        release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        var job = await client.GetAsync(id);
        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal(1, job.Attempt);
    }

    [Fact]
    public async Task A_host_stopped_right_after_it_started_ends_the_workers_wait_for_a_connection()
    {
        await using var cluster = await TestCluster.StartAsync();
        for (var i = 0; i < 20; i++)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddWorcrWorker(options =>
            {
                options.Address = cluster.Nodes[0].GrpcAddress;
                options.WorkerId = $"brief-{Guid.NewGuid():N}"[..16];
            }).AddHandler<CountArgs>("test.count", (_, _, _) => Task.CompletedTask);
            using var host = builder.Build();
            var worker = host.Services.GetRequiredService<WorcrWorker>();

            await host.StartAsync();
            await host.StopAsync();

            // Connected or not, the wait ends: a host stopped before its worker ran must not leave it pending.
            Assert.True(worker.Connected.IsCompleted, $"Connected was still pending after the host stopped (start {i + 1}).");
        }
    }

    /// <summary>Builds and starts a host as an app would, and returns once its worker is connected.</summary>
    private static async Task<RunningHost> StartHostAsync(TestCluster cluster, CapturingLoggerProvider logs, Action<WorcrWorkerBuilder> handlers,
        TimeSpan? shutdownGrace = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddSingleton<AttemptScopes>().AddScoped(services => services.GetRequiredService<AttemptScopes>().Make());
        handlers(builder.Services.AddWorcrWorker(options =>
        {
            options.Address = cluster.Nodes[0].GrpcAddress;
            options.WorkerId = $"hosted-{Guid.NewGuid():N}"[..16];
            options.ShutdownGrace = shutdownGrace ?? TimeSpan.FromSeconds(5);
        }));
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<WorcrWorker>().Connected.WaitAsync(TimeSpan.FromSeconds(30));
        return new RunningHost(host);
    }

    private sealed class RunningHost(IHost host) : IAsyncDisposable
    {
        public IServiceProvider Services => host.Services;

        public Task StopAsync() => host.StopAsync();

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
