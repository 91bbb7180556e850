using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Worcr.LocalServices;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Transport;
using JobState = Worcr.Core.Jobs.JobState;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// What a worker stream keeps of a job's checkpoint or outcome while PostgreSQL is slow to take it. The node kept the
/// received message whole, with the fields it does not know (Google.Protobuf keeps them, up to the 4 MiB message
/// limit), as long as the write waited: one such message per job a worker holds. The node reaches PostgreSQL through
/// a <see cref="TcpProxy"/> the test stalls (a partition: no error, only silence). The node runs in the test process,
/// so what it keeps shows in the process's managed memory, measured alone (<see cref="MemoryMeasureCollection"/>).
/// </summary>
[Collection(MemoryMeasureCollection.Name)]
public sealed class HeldOutcomeSizeTests
{
    // Many jobs set what was kept whole far above what else the heap gains meanwhile (49 MB of outcomes, 65 MB of
    // checkpoints before; 1.5 MB after, once the arrays the pools came to hold are left out).
    private const int Jobs = 64;

    // Each message's field unknown to the node.
    private const int UnknownBytes = 1_000_000;

    [Fact]
    public async Task Checkpoints_waiting_for_PostgreSQL_keep_only_what_they_store()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await using var link = await PartitionableNode.LinkAsync();
        var node = await PartitionableNode.AddAsync(cluster, link);
        await using var worker = await RawWorker.ConnectAsync(node, capacity: Jobs);
        var jobs = await HeldJobsAsync(cluster, worker);

        using var pooled = new PooledArrays();
        link.Stall();
        var before = await MeasureAsync(worker, jobs[0], pooled);
        var saved = new List<Task<Ack>>();
        foreach (var job in jobs)
        {
            saved.Add(await worker.SendRequestAsync(new WorkerMessage
            {
                Checkpoint = UnknownFields.With(new Checkpoint { JobId = job.JobId, Attempt = job.Attempt, Name = "step", Value = "1" }, UnknownBytes),
            }));
        }
        var kept = await MeasureAsync(worker, jobs[0], pooled) - before;
        var stillStuck = saved.All(s => !s.IsCompleted);

        link.Restore();
        Assert.All(await Task.WhenAll(saved), ack => Assert.True(ack.Ok, ack.Error));
        Assert.True(stillStuck, "a checkpoint was answered before what the node kept was measured");
        AssertKeptLittle(kept);
        foreach (var job in jobs)
        {
            var stored = await cluster.Database.Jobs.GetAsync(Id(job));
            Assert.Equal("1", stored!.Checkpoints["step"]);
        }
    }

    [Fact]
    public async Task Outcomes_waiting_behind_a_stalled_checkpoint_keep_only_what_they_store()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await using var link = await PartitionableNode.LinkAsync();
        var node = await PartitionableNode.AddAsync(cluster, link);
        await using var worker = await RawWorker.ConnectAsync(node, capacity: Jobs);
        var jobs = await HeldJobsAsync(cluster, worker);

        using var pooled = new PooledArrays();
        link.Stall();
        var before = await MeasureAsync(worker, jobs[0], pooled);
        var saved = new List<Task<Ack>>();
        var outcomes = new List<Task<Ack>>();
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            saved.Add(await worker.SendRequestAsync(new WorkerMessage { Checkpoint = new Checkpoint { JobId = job.JobId, Attempt = job.Attempt, Name = "step", Value = "1" } }));
            outcomes.Add(await worker.SendRequestAsync(Outcome(job, i)));
        }
        var kept = await MeasureAsync(worker, jobs[0], pooled) - before;
        var stillStuck = outcomes.All(o => !o.IsCompleted);

        link.Restore();
        Assert.All(await Task.WhenAll(saved), ack => Assert.True(ack.Ok, ack.Error));
        Assert.All(await Task.WhenAll(outcomes), ack => Assert.True(ack.Ok, ack.Error));
        Assert.True(stillStuck, "an outcome was answered before what the node kept was measured");
        AssertKeptLittle(kept);
        var states = (await cluster.Database.Jobs.GetStatesAsync(jobs.Select(Id).ToList())).ToDictionary(s => s.Id, s => s.State);
        for (var i = 0; i < jobs.Count; i++)
        {
            Assert.Equal((i % 3) switch { 0 => JobState.Dead, 1 => JobState.Scheduled, _ => JobState.Completed }, states[Id(jobs[i])]);
        }
    }

    /// <summary>Jobs enqueued and all assigned to the worker.</summary>
    private static async Task<List<Assign>> HeldJobsAsync(TestCluster cluster, RawWorker worker)
    {
        var client = cluster.Client();
        for (var i = 0; i < Jobs; i++) await client.EnqueueAsync("test.echo", "acme", new { n = i });
        var jobs = new List<Assign>();
        for (var i = 0; i < Jobs; i++) jobs.Add(await worker.NextAssignAsync());
        return jobs;
    }

    /// <summary>
    /// The process's managed memory once the node has read everything sent before (a log line's Ack comes from the
    /// stream's read loop after what was sent before it), less the arrays the pools came to hold since the test began
    /// listening to them: a pool keeps arrays per thread, so receiving large messages on more threads leaves more of
    /// them in the heap, though nothing of the node refers to them. A large message is sent first so the usual
    /// buffers are pooled before the first measure.
    /// </summary>
    private static async Task<long> MeasureAsync(RawWorker worker, Assign job, PooledArrays pooled)
    {
        var warm = await worker.RequestAsync(new WorkerMessage { Progress = UnknownFields.With(new Progress { JobId = job.JobId, Attempt = job.Attempt, Name = "rows", Current = 1 }, UnknownBytes) });
        Assert.True(warm.Ok, warm.Error);
        var read = await worker.RequestAsync(new WorkerMessage { Log = new Log { JobId = job.JobId, Attempt = job.Attempt, Level = "info", Text = "measured" } });
        Assert.True(read.Ok, read.Error);
        return pooled.HeapLessHeld();
    }

    /// <summary>A quarter of what was sent in unknown fields: kept whole, they were all of it.</summary>
    private static void AssertKeptLittle(long kept) =>
        Assert.True(kept < Jobs * UnknownBytes / 4,
            $"the node kept {kept / 1_000_000.0:0.0} MB while its writes waited; the {Jobs} messages' unknown fields were {Jobs * UnknownBytes / 1_000_000} MB");

    /// <summary>A failure (not retried), a yield for an hour or a completion, by turns; each with an unknown field.</summary>
    private static WorkerMessage Outcome(Assign job, int turn) => (turn % 3) switch
    {
        0 => new WorkerMessage { Fail = UnknownFields.With(new Fail { JobId = job.JobId, Attempt = job.Attempt, Error = "boom", Retryable = false }, UnknownBytes) },
        1 => new WorkerMessage { Yield = UnknownFields.With(new Yield { JobId = job.JobId, Attempt = job.Attempt, Delay = Duration.FromTimeSpan(TimeSpan.FromHours(1)) }, UnknownBytes) },
        _ => new WorkerMessage { Complete = UnknownFields.With(new Complete { JobId = job.JobId, Attempt = job.Attempt }, UnknownBytes) },
    };

    private static long Id(Assign job) => Messages.ParseJobId(job.JobId)!.Value;
}
