using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Admin;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;
using CoreJobState = Worcr.Core.Jobs.JobState;

namespace Worcr.Server.Tests.Hosting;

public sealed class GracefulShutdownTests
{
    /// <summary>
    /// How long a worker whose node's answers a test holds back waits for each of them as it leaves. The SDK's 5 s would
    /// bound the test's own reaction (hear the worker, let the held messages through, their delivery) on a busy machine:
    /// past it the worker closes its stream, and the node releases the job as a lost worker's (dead, with max_attempts 1).
    /// </summary>
    private static readonly TimeSpan HeldAnswersWait = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The SDK starts every job it is given, so "not started" here means "held but not finished within the
    /// shutdown grace": the SDK cancels those and yields them, which must not count as a failed attempt.
    /// </summary>
    [Fact]
    public async Task Stopping_a_worker_lets_its_running_job_finish_and_yields_the_others_without_burning_an_attempt()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var finisher = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", MaxAttempts = 1 });
        var stuck = await client.EnqueueBatchAsync(Enumerable.Range(0, 2).Select(_ => new JobSpec { Type = "test.slow", Tenant = "acme", MaxAttempts = 1 }));
        var allHeld = new CountdownEvent(3);
        var heldSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Held()
        {
            if (allHeld.Signal()) heldSignal.TrySetResult();
        }
        var worker = StandaloneWorker.Create(cluster.Nodes[0].GrpcAddress, concurrency: 3, shutdownGrace: TimeSpan.FromSeconds(2));
        worker.Handle("test.echo", async _ =>
        {
            Held();
            await release.Task;
            return JobResult.Complete(new { finished = true });
        });
        worker.Handle("test.slow", async context =>
        {
            Held();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return JobResult.Complete();
        });
        var leaving = worker.SaidAsync("Leaving (shutdown)");
        await using var running = new RunningWorker(worker);
        await heldSignal.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var stopped = running.StopAsync();
        await leaving.WaitAsync(TimeSpan.FromSeconds(30));
        release.SetResult();
        await stopped.WaitAsync(TimeSpan.FromSeconds(30));

        var finished = await client.GetAsync(finisher);
        Assert.Equal(JobState.Completed, finished.State);
        Assert.Contains("finished", finished.ResultJson, StringComparison.Ordinal);
        foreach (var id in stuck)
        {
            var record = await cluster.Database.Jobs.GetAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture));
            Assert.NotNull(record);
            Assert.Equal(CoreJobState.Waiting, record.State);
            Assert.Equal(0, record.Failures);
        }

        // With max_attempts = 1, a burnt attempt would have made them dead; another worker completes them instead.
        cluster.StartWorker(0, w => w.Handle("test.slow", _ => Task.FromResult(JobResult.Complete())));
        foreach (var id in stuck) await client.WaitForStateAsync(id, JobState.Completed);
    }
    /// <summary>
    /// The node sends jobs right after its Welcome. A worker stopped before that Welcome reached it used to cut the
    /// stream, so the node released those jobs as a lost worker's, each attempt counted as failed: with max_attempts 1,
    /// dead without ever starting.
    /// </summary>
    [Fact]
    public async Task A_worker_stopped_before_the_welcome_reaches_it_yields_the_jobs_sent_after_it_without_burning_an_attempt()
    {
        var held = new HeldConnect();
        await using var cluster = await StartHeldAsync(held);
        var id = await cluster.Client().EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", MaxAttempts = 1 });
        var (worker, ran, _) = CountingWorker(cluster, HeldAnswersWait);
        var waitingForWelcome = worker.SaidAsync("Stopped before the node's Welcome");
        await using var running = new RunningWorker(worker);
        await held.AssignHeld.WaitAsync(TimeSpan.FromSeconds(30));

        // Neither the Welcome nor the Assign has reached the worker: it stops now, and hears them afterwards.
        var stopped = running.StopAsync();
        await Task.WhenAny(waitingForWelcome, held.CallEnded).WaitAsync(TimeSpan.FromSeconds(30));
        await ReleaseUntilLeftAsync(held, stopped);

        await AssertHandedBackUnstartedAsync(cluster, id, ran);
    }

    /// <summary>
    /// The worker said it was stopped before the Welcome, then began to leave: a Welcome read in between started the job
    /// sent right after it, which was to be handed back unstarted. The test above lets the Welcome through once the
    /// worker says so, and could lose that race on a busy machine (the job then completed, or ran and was yielded).
    /// Here the listener holds the worker where it says so until the job was either started or handed back, so the
    /// Welcome is always read in that gap.
    /// </summary>
    [Fact]
    public async Task A_worker_stopped_before_the_welcome_is_already_leaving_when_it_says_so()
    {
        var held = new HeldConnect();
        await using var cluster = await StartHeldAsync(held);
        var client = cluster.Client();
        var id = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", MaxAttempts = 1 });
        var (worker, ran, started) = CountingWorker(cluster, HeldAnswersWait);
        // Holds the worker's leave right where it said so, while the Welcome and the job reach it.
        var (saidStopped, mayGoOn) = HoldWhereItSays(worker, "Stopped before the node's Welcome");
        using var _ = mayGoOn;
        await using var running = new RunningWorker(worker);
        await held.AssignHeld.WaitAsync(TimeSpan.FromSeconds(30));

        var stopped = running.StopAsync();
        Task first;
        try
        {
            await saidStopped.WaitAsync(TimeSpan.FromSeconds(30));
            held.Release();
            // The job leaves Running either way: its handler starts, or the node stores its Yield.
            var handedBack = client.WaitForStateAsync(id, JobState.Waiting);
            first = await Task.WhenAny(handedBack, started).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            mayGoOn.Set();
        }
        await stopped.WaitAsync(TimeSpan.FromSeconds(30));
        await held.CallEnded.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(first == started, "the job sent after the Welcome started: the worker read it before it began to leave");
        await AssertHandedBackUnstartedAsync(cluster, id, ran);
    }

    /// <summary>
    /// The same gap in the leave of a welcomed worker: it said "Leaving" and only then began to leave, so a job the node
    /// sent meanwhile (its Goodbye is not sent yet) started its handler during the shutdown instead of being handed back.
    /// The listener holds the worker where it says so until the job was either started or handed back.
    /// </summary>
    [Fact]
    public async Task A_leaving_worker_is_already_leaving_when_it_says_so()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var (worker, ran, started) = CountingWorker(cluster);
        // Holds the worker's leave right where it said so, before its Goodbye, while a job reaches it.
        var (saidLeaving, mayGoOn) = HoldWhereItSays(worker, "Leaving (shutdown)");
        using var _ = mayGoOn;
        await using var running = new RunningWorker(worker);
        await worker.Connected.WaitAsync(TimeSpan.FromSeconds(30));

        var stopped = running.StopAsync();
        string id;
        Task first;
        try
        {
            await saidLeaving.WaitAsync(TimeSpan.FromSeconds(30));
            id = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", MaxAttempts = 1 });
            first = await Task.WhenAny(HandedBackAsync(client, id), started).WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            mayGoOn.Set();
        }
        await stopped.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(first == started, "the job sent after the worker said it was leaving started: it was not leaving yet");
        await AssertHandedBackUnstartedAsync(cluster, id, ran);
    }

    /// <summary>
    /// An Assign the node sent just before it read the worker's Goodbye reaches the worker after it: the worker waits
    /// for the node's Ack of its Goodbye, which follows the last Assign, so it yields that job instead of closing its
    /// stream first (the node then released the job as a lost worker's: dead, with max_attempts 1).
    /// </summary>
    [Fact]
    public async Task An_assign_crossing_the_workers_goodbye_is_yielded_without_burning_an_attempt()
    {
        var held = new HeldConnect(fromFirstAssign: true);
        await using var cluster = await StartHeldAsync(held);
        var (worker, ran, _) = CountingWorker(cluster, HeldAnswersWait);
        await using var running = new RunningWorker(worker);
        await worker.Connected.WaitAsync(TimeSpan.FromSeconds(30));
        var id = await cluster.Client().EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", MaxAttempts = 1 });
        await held.AssignHeld.WaitAsync(TimeSpan.FromSeconds(30));

        // The Assign is on its way but not read; the worker says Goodbye, and the node's answer queues behind it.
        var stopped = running.StopAsync();
        await held.AckHeld.WaitAsync(TimeSpan.FromSeconds(30));
        await ReleaseUntilLeftAsync(held, stopped);

        await AssertHandedBackUnstartedAsync(cluster, id, ran);
    }

    /// <summary>
    /// A node that predates <c>Welcome.acks_goodbye</c> never answers a Goodbye: a worker waiting for that Ack would sit
    /// out its whole bound (5 s) at every leave. Against such a node the SDK asks for no Ack.
    /// </summary>
    [Fact]
    public async Task A_worker_leaving_a_node_that_does_not_ack_goodbyes_asks_for_no_ack()
    {
        var older = new OlderNodeWelcome();
        await using var cluster = await TestCluster.StartAsync(services: older.AddTo);
        var (worker, _, _) = CountingWorker(cluster);
        await using var running = new RunningWorker(worker);
        await worker.Connected.WaitAsync(TimeSpan.FromSeconds(30));

        await running.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await older.GoodbyeRead.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0UL, Assert.Single(older.Goodbyes).RequestId);
    }

    /// <summary>The same leave spoken by hand, so the jobs really are unstarted: Goodbye, Yield them, Complete the running one.</summary>
    [Fact]
    public async Task A_worker_that_says_goodbye_and_yields_its_unstarted_jobs_burns_no_attempt_and_its_stream_ends_ok()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress);
        using var call = new Protocol.V1.Workers.WorkersClient(channel).Connect();
        await using var replies = call.ReadPatiently();
        var hello = new Hello { WorkerId = "w-by-hand", Capacity = 3 };
        hello.JobTypes.Add("test.echo");
        await call.RequestStream.WriteAsync(new WorkerMessage { Hello = hello });
        Assert.True(await replies.MoveNextAsync());
        Assert.True(replies.Current.Welcome.AcksGoodbye);
        var ids = await client.EnqueueBatchAsync(Enumerable.Range(0, 3).Select(_ => new JobSpec { Type = "test.echo", Tenant = "acme", MaxAttempts = 1 }));
        var assigned = new List<Assign>();
        while (assigned.Count < 3 && await replies.MoveNextAsync()) assigned.Add(replies.Current.Assign);

        await call.RequestStream.WriteAsync(new WorkerMessage { RequestId = 4, Goodbye = new Goodbye { Reason = "shutdown" } });
        await call.RequestStream.WriteAsync(new WorkerMessage { RequestId = 1, Complete = new Complete { JobId = assigned[0].JobId, Attempt = assigned[0].Attempt } });
        for (var i = 1; i < 3; i++)
        {
            await call.RequestStream.WriteAsync(new WorkerMessage { RequestId = (ulong)(i + 1), Yield = new Yield { JobId = assigned[i].JobId, Attempt = assigned[i].Attempt } });
        }
        await call.RequestStream.CompleteAsync();
        var acks = new List<Ack>();
        while (await replies.MoveNextAsync()) acks.Add(replies.Current.Ack);

        // The Goodbye's Ack first: the node answers it as it reads it, the outcomes only once stored.
        Assert.Equal(4UL, acks[0].RequestId);
        Assert.Equal([1UL, 2UL, 3UL, 4UL], acks.Select(ack => ack.RequestId).Order());
        Assert.All(acks, ack => Assert.True(ack.Ok, ack.Error));
        Assert.Equal(JobState.Completed, (await client.GetAsync(assigned[0].JobId)).State);
        foreach (var unstarted in assigned.Skip(1))
        {
            var record = await cluster.Database.Jobs.GetAsync(long.Parse(unstarted.JobId, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(CoreJobState.Waiting, record!.State);
            Assert.Equal(0, record.Failures);
        }
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));
        foreach (var id in ids) await client.WaitForStateAsync(id, JobState.Completed);
    }

    /// <summary>
    /// A node whose first worker stream is held by <paramref name="held"/>. Its lease is a minute: a worker whose Welcome
    /// is held cannot heartbeat, and the usual 5 s lease could lapse on a busy machine, the reaper's failed attempt then
    /// mistaken for the one these tests look for.
    /// </summary>
    private static Task<TestCluster> StartHeldAsync(HeldConnect held) =>
        TestCluster.StartAsync(configure: o => o.LeaseDuration = TimeSpan.FromMinutes(1), services: held.AddTo);

    /// <summary>A worker for test.echo that counts the handlers it started; <c>Started</c> completes at the first.</summary>
    private static (WorcrWorker Worker, StrongBox<int> Ran, Task Started) CountingWorker(TestCluster cluster, TimeSpan? finalAnswerWait = null)
    {
        var ran = new StrongBox<int>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = StandaloneWorker.Create(cluster.Nodes[0].GrpcAddress, finalAnswerWait: finalAnswerWait);
        worker.Handle("test.echo", _ =>
        {
            Interlocked.Increment(ref ran.Value);
            started.TrySetResult();
            return Task.FromResult(JobResult.Complete());
        });
        return (worker, ran, started.Task);
    }

    /// <summary>
    /// Holds the worker inside its diagnostic listener once it says a line starting with <paramref name="prefix"/>, until
    /// the test sets <c>MayGoOn</c>; <c>Said</c> completes when it said it.
    /// </summary>
    private static (Task Said, ManualResetEventSlim MayGoOn) HoldWhereItSays(WorcrWorker worker, string prefix)
    {
        var said = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mayGoOn = new ManualResetEventSlim();
        worker.Diagnostic += line =>
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal)) return;
            said.TrySetResult();
            mayGoOn.Wait(TimeSpan.FromSeconds(30));
        };
        return (said.Task, mayGoOn);
    }

    /// <summary>
    /// Completes once the job was given to a worker and is waiting again (a claim counts an attempt, a yield keeps it):
    /// the watch sends the stored job first, then every change, so a quick round trip is not missed.
    /// </summary>
    private static async Task HandedBackAsync(WorcrClient client, string id)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var _ in client.WatchAsync([id], patience.Token))
        {
            if (await client.GetAsync(id, patience.Token) is { State: JobState.Waiting, Attempt: > 0 }) return;
        }
        throw new InvalidOperationException($"The watch of job {id} ended before it was handed back.");
    }

    /// <summary>Lets the held messages through, then waits for the worker's stop and for its stream's end at the node.</summary>
    private static async Task ReleaseUntilLeftAsync(HeldConnect held, Task stopped)
    {
        held.Release();
        await stopped.WaitAsync(TimeSpan.FromSeconds(30));
        await held.CallEnded.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The job is waiting again with no failed attempt (max_attempts 1 would have made it dead), and never ran.</summary>
    private static async Task AssertHandedBackUnstartedAsync(TestCluster cluster, string id, StrongBox<int> ran)
    {
        var record = await cluster.Database.Jobs.GetAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotNull(record);
        Assert.Equal(CoreJobState.Waiting, record.State);
        Assert.Equal(0, record.Failures);
        Assert.Equal(0, Volatile.Read(ref ran.Value));
    }
}
