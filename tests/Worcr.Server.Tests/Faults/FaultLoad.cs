using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Worcr.Core.Jobs;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Tests.Limits;
using Worcr.Worker;

namespace Worcr.Server.Tests.Faults;

/// <summary>
/// The load of a fault test and what it observes from inside the workers: jobs of one limited host that run a few
/// steps each, reporting progress and saving a checkpoint after every step. It counts, per job, how many attempts
/// run at the same moment (a job on two workers at once is a concurrent duplicate), the peak of jobs running
/// under the limit, and attempts that resumed from a checkpoint. <see cref="NextStartAsync"/> is the signal that
/// dispatch works: the next attempt any worker starts.
/// </summary>
internal sealed class FaultLoad(int steps, TimeSpan stepTime)
{
    public const string Host = "fault.example.com";
    public const string JobType = "test.slow";

    /// <summary>
    /// The workers' longest wait between reconnects. A fault that ends their streams (PostgreSQL down) sends them into
    /// backoff; 2 s keeps "dispatch resumes within 10 s" a measure of the node, not of the SDK's default 10 s backoff.
    /// </summary>
    public static readonly TimeSpan ReconnectMaxDelay = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<long, int> _active = new();
    private TaskCompletionSource _nextStart = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<long> _nextCheckpoint = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _duplicates;
    private int _starts;
    private int _resumed;

    /// <summary>Jobs running at once under the host's limit, at their highest.</summary>
    public PeakCounter Peak { get; } = new();

    /// <summary>Attempts that started while another attempt of the same job was still running on a worker.</summary>
    public int ConcurrentDuplicates => Volatile.Read(ref _duplicates);

    public int Starts => Volatile.Read(ref _starts);

    /// <summary>Attempts that found a checkpoint and went on from it.</summary>
    public int Resumed => Volatile.Read(ref _resumed);

    /// <summary>The load's limit file: at most <paramref name="capacity"/> jobs of the host at once.</summary>
    public static string LimitFile(int capacity) => LimitJobs.File(LimitJobs.PerHost(capacity));

    public void Register(WorcrWorker worker) => worker.Handle(JobType, HandleAsync);

    /// <summary>Completes when any worker starts an attempt after this call.</summary>
    public Task NextStartAsync()
    {
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _nextStart, next);
        return next.Task;
    }

    /// <summary>Completes with the job's id when any worker's checkpoint is saved (acknowledged) after this call.</summary>
    public Task<long> NextCheckpointAsync()
    {
        var next = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _nextCheckpoint, next);
        return next.Task;
    }

    public static async Task<IReadOnlyList<string>> EnqueueAsync(WorcrClient client, int count) =>
        await client.EnqueueBatchAsync(Enumerable.Range(0, count).Select(_ => new Protocol.V1.JobSpec
        {
            Type = JobType, Tenant = "acme", ArgsJson = JsonSerializer.Serialize(new { host = Host }),
            // Faults fail attempts (a lost lease counts one); the job must outlive them to show it is not lost.
            MaxAttempts = 100,
        }));

    /// <summary>Waits until <paramref name="count"/> attempts have started (the load is under way).</summary>
    public async Task WaitForStartsAsync(int count, TimeSpan timeout)
    {
        while (Starts < count) await NextStartAsync().WaitAsync(timeout);
    }

    /// <summary>
    /// The invariants every fault keeps: every job completed (none left live, none dead), no job on two workers at
    /// once, and the limit never exceeded.
    /// </summary>
    public async Task AssertSurvivedAsync(TestCluster cluster, int jobs, int capacity, TimeSpan timeout)
    {
        await cluster.WaitForCountAsync(JobState.Completed, jobs, timeout);
        Assert.Equal(0, await cluster.LiveJobsAsync());
        Assert.Equal(0, await cluster.CountAsync(JobState.Dead));
        Assert.Equal(0, ConcurrentDuplicates);
        Assert.InRange(Peak.Peak, 1, capacity);
    }

    private async Task<JobResult> HandleAsync(IJobContext context)
    {
        var jobId = long.Parse(context.JobId, CultureInfo.InvariantCulture);
        if (_active.AddOrUpdate(jobId, 1, (_, running) => running + 1) > 1) Interlocked.Increment(ref _duplicates);
        Peak.Enter();
        Interlocked.Increment(ref _starts);
        Volatile.Read(ref _nextStart).TrySetResult();
        // The attempt counts as stopped once its worker was told to stop (the token fires), or when it returns. What
        // the node can promise is the telling; how soon a handler observes its token is the handler's own affair
        // (and, on a starved test machine, the thread pool's).
        var stopped = 0;
        void Stop()
        {
            if (Interlocked.Exchange(ref stopped, 1) == 1) return;
            Peak.Leave();
            _active.AddOrUpdate(jobId, 0, (_, running) => running - 1);
        }
        using var told = context.CancellationToken.Register(Stop);
        try
        {
            var step = context.Checkpoints.TryGetValue("step", out var saved) ? int.Parse(saved, CultureInfo.InvariantCulture) : 0;
            if (step > 0) Interlocked.Increment(ref _resumed);
            for (; step < steps; step++)
            {
                // Simulated work; nothing waits on it.
                await Task.Delay(stepTime, context.CancellationToken);
                await context.ProgressAsync("step", step + 1, steps);
                await context.CheckpointAsync("step", (step + 1).ToString(CultureInfo.InvariantCulture));
                Volatile.Read(ref _nextCheckpoint).TrySetResult(jobId);
            }
            return JobResult.Complete();
        }
        finally
        {
            Stop();
        }
    }
}
