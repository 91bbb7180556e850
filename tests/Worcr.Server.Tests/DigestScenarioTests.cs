using System.Globalization;
using System.Text;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Testing;
using Worcr.Worker;

namespace Worcr.Server.Tests;

/// <summary>
/// The issue's headline promise: a digest to 10,000 users, checkpointed after each send, survives its worker
/// being SIGKILLed mid-way. Every user gets it at least once, and only the one in flight may get it twice.
/// </summary>
public sealed class DigestScenarioTests
{
    private const int Users = 10_000;

    // Killed about a third of the way.
    private const int KilledAfter = 3_000;

    [Fact]
    public async Task A_digest_killed_mid_way_resumes_from_its_checkpoint_and_sends_every_user_once_but_the_one_in_flight()
    {
        // The node's 30 s lease instead of TestCluster's 5 s: with heartbeats every second, a worker stalled for 4 s
        // lost its attempt (a third attempt, and sends repeated past the one in flight). The kill does not wait for the
        // lease: the worker's stream ends with its process, and the node releases the attempt then.
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.JobTypes.Add("demo.digest");
            o.LeaseDuration = TimeSpan.FromSeconds(30);
        });
        var client = cluster.Client();
        var outbox = Path.Combine(TestServices.NewTempDirectory("digest"), "outbox.txt");
        var id = await client.EnqueueAsync("demo.digest", "acme", new { users = Users, outbox });
        await using var doomed = ChildWorker.Start("dotnet", [RepositoryPaths.DotnetExampleWorker],
            new Dictionary<string, string> { ["WORCR_GRPC"] = cluster.Nodes[0].GrpcAddress.ToString() }, "Connected to node");
        // A child process that starts the runtime: slow on a loaded machine. The waits add up to under 5 min.
        await doomed.Connected.WaitAsync(TimeSpan.FromSeconds(60));
        var savedBeforeKill = await client.WaitForCheckpointAsync(id, "user", atLeast: KilledAfter, TimeSpan.FromSeconds(90));

        doomed.Kill();
        await doomed.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var resumedAfter = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, w => w.Handle("demo.digest", context => DigestAsync(context, resumedAfter)), concurrency: 1);
        var job = await client.WaitForStateAsync(id, JobState.Completed, TimeSpan.FromSeconds(120));

        Assert.Equal(2, job.Attempt);
        var resumed = await resumedAfter.Task;
        Assert.True(resumed >= savedBeforeKill, $"resumed after user {resumed}, but user {savedBeforeKill} was already checkpointed");
        var sends = ReadSends(outbox);
        Assert.Equal(Enumerable.Range(1, Users), sends.Keys.Order());
        var repeated = sends.Where(s => s.Value > 1).Select(s => s.Key).ToList();
        Assert.True(repeated.Count == 0 || repeated.SequenceEqual([resumed + 1]),
            $"users sent twice: {string.Join(", ", repeated)}; only user {resumed + 1} (in flight at the kill) may be");
        Assert.All(sends.Values, count => Assert.True(count <= 2));
    }

    /// <summary>The same logic as demo.digest in examples/dotnet-worker: send (append + flush), then checkpoint.</summary>
    private static async Task<JobResult> DigestAsync(IJobContext job, TaskCompletionSource<int> resumedAfter)
    {
        var args = job.Args<DigestArgs>();
        var last = job.Checkpoints.TryGetValue("user", out var saved) ? int.Parse(saved, CultureInfo.InvariantCulture) : 0;
        resumedAfter.TrySetResult(last);
        await using var outbox = new FileStream(args.Outbox, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        for (var user = last + 1; user <= args.Users; user++)
        {
            await outbox.WriteAsync(Encoding.UTF8.GetBytes($"user {user}\n"));
            await outbox.FlushAsync();
            await job.CheckpointAsync("user", user.ToString(CultureInfo.InvariantCulture));
        }
        return JobResult.Complete(new { sent = args.Users });
    }

    /// <summary>How many times each user was sent to.</summary>
    private static Dictionary<int, int> ReadSends(string outbox)
    {
        var sends = new Dictionary<int, int>();
        foreach (var line in File.ReadLines(outbox))
        {
            var user = int.Parse(line["user ".Length..], CultureInfo.InvariantCulture);
            sends[user] = sends.GetValueOrDefault(user) + 1;
        }
        return sends;
    }

    private sealed record DigestArgs(int Users, string Outbox);
}
