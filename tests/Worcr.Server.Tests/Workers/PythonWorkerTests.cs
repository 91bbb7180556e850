using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Worcr.Admin;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Admin;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// The Python example (examples/python-worker, grpcio's C-core stack) against a real node over its gRPC address:
/// a second gRPC implementation besides grpc-js that runs the whole worker conversation.
/// </summary>
public sealed class PythonWorkerTests
{
    private static ChildWorker StartPythonWorker(TestCluster cluster, string token, string marker, int maxJobs) =>
        ChildWorker.Start(PythonGrpc.Executable,
            [PythonGrpc.WorkerScript, cluster.Nodes[0].GrpcAddress.ToString(), "--max-jobs", maxJobs.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["WORCR_WORKER_TOKEN"] = token }, marker);

    [PythonGrpcFact]
    public async Task The_python_grpcio_worker_runs_jobs_with_progress_checkpoints_and_logs_and_resumes_a_failed_one()
    {
        await using var secured = await SecuredCluster.StartAsync();
        var (cluster, client) = (secured.Cluster, secured.Client());
        await using var worker = StartPythonWorker(cluster, SecuredCluster.WorkerToken, "connected to node", maxJobs: 3);
        await worker.Connected.WaitAsync(TimeSpan.FromSeconds(60));

        var echo = await client.EnqueueAsync("demo.echo", "acme", new { text = "hello from .NET", n = 7 });
        var count = await client.EnqueueAsync("demo.count", "acme", new { n = 5 });
        var resumed = await client.EnqueueAsync("demo.count", "acme", new { n = 4, fail_once_at = 2 });

        var echoed = await client.WaitForStateAsync(echo, JobState.Completed);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(echoed.ArgsJson), JsonNode.Parse(echoed.ResultJson)), $"args {echoed.ArgsJson}, result {echoed.ResultJson}");

        var countLogs = await AssertCountedAsync(cluster, client, count, n: 5, resumedFrom: 0, attempt: 1);
        Assert.Equal(5, countLogs.Count(l => l.Text.StartsWith("counted ", StringComparison.Ordinal) && l.Level == "info"));

        // The first attempt saved step 2 and failed; the second received that checkpoint and counted 3 and 4 only.
        var resumedLogs = await AssertCountedAsync(cluster, client, resumed, n: 4, resumedFrom: 2, attempt: 2);
        Assert.Contains(resumedLogs, l => l.Attempt == 1 && l.Level == "warn" && l.Text.Contains("planned failure after step 2", StringComparison.Ordinal));
        Assert.Contains(resumedLogs, l => l.Attempt == 2 && l.Text == "resuming after step 2 of 4 (attempt 2)");
        Assert.Equal(["counted 1 of 4", "counted 2 of 4"], resumedLogs.Where(l => l.Attempt == 1 && l.Level == "info").Select(l => l.Text));
        Assert.Equal(["counted 3 of 4", "counted 4 of 4"], resumedLogs.Where(l => l.Attempt == 2 && l.Text.StartsWith("counted ", StringComparison.Ordinal)).Select(l => l.Text));

        // Three completed jobs were what --max-jobs asked for: the worker says Goodbye, the node ends the call with OK.
        Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, cluster.Nodes[0].ConnectedWorkers);
    }

    [PythonGrpcFact]
    public async Task The_python_grpcio_worker_with_a_wrong_token_stops_with_unauthenticated()
    {
        await using var secured = await SecuredCluster.StartAsync();
        var cluster = secured.Cluster;
        await using var worker = StartPythonWorker(cluster, "python-worker-wrong", "stopped: UNAUTHENTICATED", maxJobs: 1);

        await worker.Connected.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, cluster.Nodes[0].ConnectedWorkers);
    }

    /// <summary>
    /// A demo.count job completed on the given attempt with its result, last checkpoint and progress counter
    /// stored; returns its log lines once the last one is stored.
    /// </summary>
    private static async Task<IReadOnlyList<LogEntry>> AssertCountedAsync(TestCluster cluster, WorcrClient client, string jobId, int n, int resumedFrom, int attempt)
    {
        var job = await client.WaitForStateAsync(jobId, JobState.Completed);
        var result = JsonDocument.Parse(job.ResultJson).RootElement;
        Assert.Equal(attempt, job.Attempt);
        Assert.Equal((n, resumedFrom, attempt), (result.GetProperty("counted").GetInt32(), result.GetProperty("resumed_from").GetInt32(), result.GetProperty("attempt").GetInt32()));
        Assert.Equal(n.ToString(CultureInfo.InvariantCulture), job.Checkpoints["step"]);

        // Progress and log lines are written in batches shortly after they arrive: read until the last ones are stored.
        job = await Eventually.ReadUntilAsync(() => client.GetAsync(jobId),
            j => j.Progress.Any(p => p.Name == "steps" && p.Current == n), TimeSpan.FromSeconds(10), $"progress 'steps' at {n} for job {jobId}");
        Assert.Equal(n, Assert.Single(job.Progress, p => p.Name == "steps").Total);
        var lastLine = $"counted {n} of {n}";
        return await Eventually.ReadUntilAsync(() => cluster.Database.Jobs.ReadLogsAsync(long.Parse(jobId, CultureInfo.InvariantCulture), 100),
            lines => lines.Any(l => l.Text == lastLine), TimeSpan.FromSeconds(10), $"the log line '{lastLine}' of job {jobId}");
    }
}
