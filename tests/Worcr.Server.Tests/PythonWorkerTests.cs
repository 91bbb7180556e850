using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests;

/// <summary>
/// The Python example (examples/python-worker, grpcio's C-core stack) against a real node over its gRPC address:
/// a second gRPC implementation besides grpc-js that runs the whole worker conversation.
/// </summary>
public sealed class PythonWorkerTests
{
    private const string ApiKey = "python-key-5e1d";
    private const string WorkerToken = "python-worker-8a3f";

    private static Task<TestCluster> StartSecuredAsync() => TestCluster.StartAsync(configure: o =>
    {
        o.AllowUnauthenticated = false;
        o.ApiKey = ApiKey;
        o.WorkerToken = WorkerToken;
    });

    private static ChildWorker StartPythonWorker(TestCluster cluster, string token, string marker, int maxJobs) =>
        ChildWorker.Start(PythonGrpc.Executable,
            [PythonGrpc.WorkerScript, cluster.Nodes[0].GrpcAddress.ToString(), "--max-jobs", maxJobs.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["WORCR_WORKER_TOKEN"] = token }, marker);

    [PythonGrpcFact]
    public async Task The_python_grpcio_worker_runs_jobs_with_progress_checkpoints_and_logs_and_resumes_a_failed_one()
    {
        await using var cluster = await StartSecuredAsync();
        var client = cluster.Client(apiKey: ApiKey);
        await using var worker = StartPythonWorker(cluster, WorkerToken, "connected to node", maxJobs: 3);
        await worker.Connected.WaitAsync(TimeSpan.FromSeconds(60));

        var echo = await client.EnqueueAsync("demo.echo", "acme", new { text = "hello from .NET", n = 7 });
        var count = await client.EnqueueAsync("demo.count", "acme", new { n = 5 });
        var resumed = await client.EnqueueAsync("demo.count", "acme", new { n = 4, fail_once_at = 2 });

        var echoed = await client.WaitForStateAsync(echo, JobState.Completed);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(echoed.ArgsJson), JsonNode.Parse(echoed.ResultJson)), $"args {echoed.ArgsJson}, result {echoed.ResultJson}");

        var counted = await client.WaitForStateAsync(count, JobState.Completed);
        Assert.Equal(1, counted.Attempt);
        Assert.Equal((5, 0, 1), Result(counted));
        Assert.Equal("5", counted.Checkpoints["step"]);
        await AssertProgressStoredAsync(client, count, current: 5, total: 5);
        var countLogs = await LogsAsync(cluster, count, "counted 5 of 5");
        Assert.Equal(5, countLogs.Count(l => l.Text.StartsWith("counted ", StringComparison.Ordinal) && l.Level == "info"));

        // The first attempt saved step 2 and failed; the second received that checkpoint and counted 3 and 4 only.
        var second = await client.WaitForStateAsync(resumed, JobState.Completed);
        Assert.Equal(2, second.Attempt);
        Assert.Equal((4, 2, 2), Result(second));
        Assert.Equal("4", second.Checkpoints["step"]);
        await AssertProgressStoredAsync(client, resumed, current: 4, total: 4);
        var resumedLogs = await LogsAsync(cluster, resumed, "counted 4 of 4");
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
        await using var cluster = await StartSecuredAsync();
        await using var worker = StartPythonWorker(cluster, "python-worker-wrong", "stopped: UNAUTHENTICATED", maxJobs: 1);

        await worker.Connected.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, cluster.Nodes[0].ConnectedWorkers);
    }

    private static (int Counted, int ResumedFrom, int Attempt) Result(Job job)
    {
        var result = JsonDocument.Parse(job.ResultJson).RootElement;
        return (result.GetProperty("counted").GetInt32(), result.GetProperty("resumed_from").GetInt32(), result.GetProperty("attempt").GetInt32());
    }

    /// <summary>Progress is written in batches shortly after it arrives: read the job until its counter shows the end.</summary>
    private static async Task AssertProgressStoredAsync(Worcr.Worker.WorcrClient client, string jobId, long current, long total)
    {
        var job = await Eventually.ReadUntilAsync(() => client.GetAsync(jobId),
            j => j.Progress.Any(p => p.Name == "steps" && p.Current == current), TimeSpan.FromSeconds(10), $"progress 'steps' {current} of job {jobId}");
        var steps = Assert.Single(job.Progress, p => p.Name == "steps");
        Assert.Equal(total, steps.Total);
    }

    /// <summary>Log lines are written in batches too: read until the last line is stored.</summary>
    private static Task<IReadOnlyList<LogEntry>> LogsAsync(TestCluster cluster, string jobId, string lastLine) =>
        Eventually.ReadUntilAsync(() => cluster.Database.Jobs.ReadLogsAsync(long.Parse(jobId, CultureInfo.InvariantCulture), 100),
            lines => lines.Any(l => l.Text == lastLine), TimeSpan.FromSeconds(10), $"the log line '{lastLine}' of job {jobId}");
}
