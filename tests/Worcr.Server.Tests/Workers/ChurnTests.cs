using System.Collections.Concurrent;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;
using CoreJobState = Worcr.Core.Jobs.JobState;

namespace Worcr.Server.Tests.Workers;

public sealed class ChurnTests
{
    private const int JobCount = 3000;

    [Fact]
    public async Task Three_nodes_complete_3000_jobs_exactly_once_while_one_node_is_stopped_mid_way()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 3);
        var runs = new ConcurrentDictionary<string, int>();
        // Outcomes the node refused or never acknowledged: only those jobs may legitimately run again.
        var unsettled = new ConcurrentDictionary<string, byte>();
        var thirdRan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        JobHandler handler = context =>
        {
            runs.AddOrUpdate(context.JobId, 1, (_, n) => n + 1);
            if (runs.Count >= JobCount / 3) thirdRan.TrySetResult();
            return Task.FromResult(JobResult.Complete(new { id = context.JobId }));
        };
        for (var node = 0; node < 3; node++)
        {
            var worker = cluster.StartWorker(node, w => w.Handle("test.echo", handler), concurrency: 8);
            worker.Worker.Diagnostic += line => NoteUnsettled(line, unsettled);
        }

        var specs = Enumerable.Range(0, JobCount).Select(i => new JobSpec { Type = "test.echo", Tenant = $"t{i % 5}", ArgsJson = $"{{\"i\":{i}}}" });
        var ids = await cluster.Client(0).EnqueueBatchAsync(specs);
        await thirdRan.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var ranBeforeStop = runs.Count;
        await cluster.Nodes[2].StopAsync();
        await cluster.WaitForCountAsync(CoreJobState.Completed, JobCount, TimeSpan.FromSeconds(60));

        var summary = await cluster.CompletedSummaryAsync();
        Assert.True(ranBeforeStop < JobCount, "every job had run before the node was stopped: the stop was not mid-way");
        Assert.Equal(JobCount, ids.Distinct().Count());
        Assert.Equal(JobCount, summary.DistinctIds);
        Assert.Equal(JobCount, summary.Rows);
        Assert.True(summary.LowestAttempt >= 1, $"a completed job shows attempt {summary.LowestAttempt}");
        Assert.Equal(0, await cluster.LiveJobsAsync());
        Assert.Equal(ids.ToHashSet(), runs.Keys.ToHashSet());
        Assert.All(runs, run => Assert.True(run.Value == 1 || unsettled.ContainsKey(run.Key), $"job {run.Key} ran {run.Value} times though its first completion was accepted"));
    }

    private static void NoteUnsettled(string line, ConcurrentDictionary<string, byte> unsettled)
    {
        const string refused = "Node refused the outcome of job ";
        const string lost = "Stream lost before the outcome of job ";
        var prefix = line.StartsWith(refused, StringComparison.Ordinal) ? refused : line.StartsWith(lost, StringComparison.Ordinal) ? lost : null;
        if (prefix is null) return;
        var rest = line[prefix.Length..];
        unsettled.TryAdd(rest[..rest.IndexOf(' ', StringComparison.Ordinal)], 0);
    }
}
