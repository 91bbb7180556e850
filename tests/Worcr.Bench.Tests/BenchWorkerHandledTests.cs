using Worcr.Cli.Bench;
using Worcr.Testing;

namespace Worcr.Bench.Tests;

/// <summary>The bench worker's signal that its handlers are done, which the bench waits for before it polls PostgreSQL.</summary>
public sealed class BenchWorkerHandledTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    [Trait(TestTier.Name, TestTier.Integration)]
    public async Task Worker_says_its_expected_handlers_returned_and_the_bench_then_finds_every_completion_durable()
    {
        const int jobs = 5;
        await using var services = await BenchServices.StartAsync(new BenchSettings(await TestServices.PostgresAsync(), await TestServices.RedisAsync(), 1, Timeout), CancellationToken.None);
        await using var node = await BenchNode.StartAsync(services, CancellationToken.None);
        await node.Client.EnqueueBatchAsync(Enumerable.Range(0, jobs).Select(i => BenchJobs.Spec(i)), CancellationToken.None);
        await using var worker = BenchWorkerProcess.Start(node.GrpcAddress, node.WorkerToken, concurrency: 4, BenchNode.JobType, expect: jobs);

        await node.WaitForCompletedAsync(jobs, worker.Handled, Timeout, CancellationToken.None);
        var report = await worker.WaitForReportAsync(Timeout, CancellationToken.None);

        Assert.True(worker.SaidHandled, "the worker exited without saying its handlers returned");
        Assert.Equal(jobs, report.Starts.Select(start => start.JobId).Distinct().Count());
    }
}
