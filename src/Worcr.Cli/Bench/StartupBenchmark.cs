using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Worcr.Cli.Bench;

/// <summary>
/// Start to serving: `worcr serve` is started as a child process against running PostgreSQL and Redis and a schema
/// that is already migrated (a restart, the common case), and polled until it answers both health endpoints. One
/// run is one start; the node is stopped (SIGTERM) before the next. <paramref name="cli"/> names another build's
/// worcr.dll to start (this one when null), so two trees compare in one invocation.
/// </summary>
internal sealed class StartupBenchmark(TimeSpan timeout, string? cli = null)
{
    /// <summary>How often the bench asks; a few ms of resolution, without stealing the node's CPU on a 2-core machine.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    public static JsonLine Parameters => new JsonLine().Add("system", "worcr").Add("workload", "startup");

    /// <summary>
    /// Figures: <c>healthz_ms</c> (first HTTP 200 from /healthz), <c>grpc_serving_ms</c> (first SERVING from
    /// grpc.health.v1), <c>serving_ms</c> (the later of the two), all from just before the process is started;
    /// <c>cpu_ms</c>, the node's CPU time at that moment (steadier than wall time on a busy machine); <c>rss_mb</c> then.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, double>> RunOnceAsync(string postgresUrl, string redisUrl, string schema, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        await using var node = ServeProcess.Start(postgresUrl, redisUrl, schema, cli);
        var healthz = PollAsync(() => HealthzAsync(node.HttpAddress, deadline.Token), node, clock, deadline.Token);
        var grpc = PollAsync(() => GrpcServingAsync(node.GrpcAddress, deadline.Token), node, clock, deadline.Token);
        var healthzMs = await healthz;
        var grpcMs = await grpc;
        var cpuMs = node.CpuTime.TotalMilliseconds;
        var rss = node.ResidentMegabytes;
        return new Dictionary<string, double>
        {
            ["serving_ms"] = Math.Max(healthzMs, grpcMs),
            ["healthz_ms"] = healthzMs,
            ["grpc_serving_ms"] = grpcMs,
            ["cpu_ms"] = cpuMs,
            ["rss_mb"] = rss,
        };
    }

    /// <summary>Asks until the answer is healthy; returns the elapsed ms at that answer.</summary>
    private static async Task<double> PollAsync(Func<Task<bool>> healthy, ServeProcess node, Stopwatch clock, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await healthy()) return clock.Elapsed.TotalMilliseconds;
            if (node.HasExited) throw new InvalidOperationException("`worcr serve` exited before it served; run it by hand to see why.");
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private static async Task<bool> HealthzAsync(Uri http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(http, "/healthz"), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false; // not listening yet, or too slow to answer on a busy machine: ask again
        }
    }

    private static async Task<bool> GrpcServingAsync(Uri grpc, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(grpc);
        try
        {
            var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken);
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
        }
        catch (RpcException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // not listening yet, or a probe still failing or too slow: ask again
        }
    }
}
