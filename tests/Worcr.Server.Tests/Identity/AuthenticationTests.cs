using Worcr.Admin;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Identity;

/// <summary>A node started with credentials refuses producers and workers without the right ones.</summary>
public sealed class AuthenticationTests
{
    private const string ApiKey = "key-right-7f3a";
    private const string WorkerToken = "token-right-91c2";

    private static Task<TestCluster> StartSecuredAsync() => TestCluster.StartAsync(configure: o =>
    {
        o.AllowUnauthenticated = false;
        o.ApiKey = ApiKey;
        o.WorkerToken = WorkerToken;
    });

    [Fact]
    public async Task Enqueue_without_an_api_key_gets_unauthenticated()
    {
        await using var cluster = await StartSecuredAsync();

        var error = await Assert.ThrowsAsync<WorcrNodeException>(() => cluster.Client().EnqueueAsync("test.echo", "acme"));

        Assert.Equal(WorcrErrorCode.Unauthenticated, error.Code);
    }

    [Fact]
    public async Task Enqueue_with_a_wrong_api_key_gets_unauthenticated_and_the_right_key_works()
    {
        await using var cluster = await StartSecuredAsync();

        var error = await Assert.ThrowsAsync<WorcrNodeException>(() => cluster.Client(apiKey: "key-wrong").EnqueueAsync("test.echo", "acme"));
        var id = await cluster.Client(apiKey: ApiKey).EnqueueAsync("test.echo", "acme");

        Assert.Equal(WorcrErrorCode.Unauthenticated, error.Code);
        Assert.Equal(JobState.Waiting, (await cluster.Client(apiKey: ApiKey).GetAsync(id)).State);
        Assert.Equal(1, await cluster.CountAsync(Core.Jobs.JobState.Waiting));
    }

    [Fact]
    public async Task Worker_with_a_wrong_token_stops_with_unauthenticated()
    {
        await using var cluster = await StartSecuredAsync();
        await using var worker = StandaloneWorker.Create(cluster.Nodes[0].GrpcAddress, token: "token-wrong");
        worker.Handle("test.echo", _ => Task.FromResult(JobResult.Complete()));
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<WorcrNodeException>(() => worker.RunAsync(patience.Token));

        Assert.Equal(WorcrErrorCode.Unauthenticated, error.Code);
        Assert.Equal(0, cluster.Nodes[0].ConnectedWorkers);
    }

    [Fact]
    public async Task Worker_with_the_right_token_runs_jobs()
    {
        await using var cluster = await StartSecuredAsync();
        var client = cluster.Client(apiKey: ApiKey);
        var id = await client.EnqueueAsync("test.echo", "acme");
        var worker = StandaloneWorker.Create(cluster.Nodes[0].GrpcAddress, token: WorkerToken);
        worker.Handle("test.echo", _ => Task.FromResult(JobResult.Complete(new { ok = 1 })));
        await using var running = new RunningWorker(worker);

        var job = await client.WaitForStateAsync(id, JobState.Completed);

        Assert.Contains("\"ok\"", job.ResultJson, StringComparison.Ordinal);
    }
}
