using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Protocol.V1;
using Worcr.Server.Events;
using Worcr.Server.Hosting;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;
using CoreJobState = Worcr.Core.Jobs.JobState;

namespace Worcr.Server.Tests.Events;

public sealed class WatchTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Reports_of_a_running_job_reach_a_watcher_on_another_node_in_order_and_the_stream_ends_after_completion()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 2);
        var id = await cluster.Client(0).EnqueueAsync("test.echo", "acme");
        await using var events = Collect(cluster.Client(1).WatchAsync([id]));
        var first = await events.NextAsync();
        await using var worker = await HandWorker.ConnectAsync(cluster.Nodes[0], "test.echo");
        var assign = await worker.NextAssignAsync();

        await worker.SendAsync(new WorkerMessage { Progress = new Progress { JobId = id, Attempt = assign.Attempt, Name = "rows", Current = 1, Total = 3 } });
        await worker.SendAsync(new WorkerMessage { RequestId = 1, Checkpoint = new Checkpoint { JobId = id, Attempt = assign.Attempt, Name = "step", Value = "one" } });
        await worker.SendAsync(new WorkerMessage { Log = new Log { JobId = id, Attempt = assign.Attempt, Level = "info", Text = "hello" } });
        await worker.SendAsync(new WorkerMessage { Progress = new Progress { JobId = id, Attempt = assign.Attempt, Name = "files", Current = 2 } });
        await worker.SendAsync(new WorkerMessage { RequestId = 2, Complete = new Complete { JobId = id, Attempt = assign.Attempt } });
        var rest = await events.AllAsync();

        Assert.Equal(JobState.Waiting, first.StateChanged.State);
        Assert.Equal(["running", "progress rows", "checkpoint step", "log hello", "progress files", "completed"], rest.Select(Describe));
        Assert.All(rest, e => Assert.Equal(id, e.JobId));
    }

    [Fact]
    public async Task A_watcher_that_subscribes_after_completion_gets_the_final_state_and_the_stream_ends()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.echo", "acme");
        await client.WaitForStateAsync(id, JobState.Completed);

        await using var events = Collect(client.WatchAsync([id]));
        var all = await events.AllAsync();

        var only = Assert.Single(all);
        Assert.Equal(JobState.Completed, only.StateChanged.State);
        Assert.Equal(1, only.StateChanged.Attempt);
    }

    [Fact]
    public async Task A_tenant_watcher_sees_only_that_tenants_jobs()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var subscribed = cluster.Nodes[0].Events.Hub.WatcherAdded;
        await using var events = Collect(client.WatchAsync([], tenant: "acme"));
        var first = events.NextAsync();
        await subscribed.WaitAsync(Patience);
        var other = await client.EnqueueAsync("test.echo", "globex");
        var mine = await client.EnqueueAsync("test.echo", "acme");
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())), concurrency: 1);

        var seen = new List<JobEvent> { await first };
        while (seen[^1].StateChanged?.State != JobState.Completed) seen.Add(await events.NextAsync());
        await client.WaitForStateAsync(other, JobState.Completed);

        Assert.All(seen, e => Assert.Equal(mine, e.JobId));
        Assert.Equal([JobState.Waiting, JobState.Running, JobState.Completed], seen.Select(e => e.StateChanged.State));
    }

    [Fact]
    public async Task A_tenant_watcher_sees_a_dead_job_retried_by_hand_come_back_to_waiting_and_run_again()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var subscribed = cluster.Nodes[0].Events.Hub.WatcherAdded;
        await using var events = Collect(client.WatchAsync([], tenant: "acme"));
        var first = events.NextAsync();
        await subscribed.WaitAsync(Patience);
        var failing = cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Fail("downstream is down"))));
        var id = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", MaxAttempts = 1 });
        var beforeRetry = new List<JobEvent> { await first };
        while (beforeRetry[^1].StateChanged?.State != JobState.Dead) beforeRetry.Add(await events.NextAsync());
        // No worker while the retry is announced: a worker taking the job at once could make its start heard first,
        // and a watch leaves out a state change older than one it sent (docs/architecture.md, live events).
        await failing.StopAsync();

        await client.RetryAsync(id);
        var afterRetry = new List<JobEvent> { await events.NextAsync() };
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));
        while (afterRetry[^1].StateChanged?.State != JobState.Completed) afterRetry.Add(await events.NextAsync());

        Assert.All(afterRetry, e => Assert.Equal(id, e.JobId));
        Assert.Equal([JobState.Waiting, JobState.Running, JobState.Completed], afterRetry.Select(e => e.StateChanged.State));
        Assert.Equal(1, afterRetry[0].StateChanged.Attempt);
        Assert.Equal(2, afterRetry[1].StateChanged.Attempt);
    }

    [Fact]
    public async Task Watching_a_job_of_another_tenant_is_not_found()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.echo", "globex");

        await using var events = Collect(client.WatchAsync([id], tenant: "acme"));
        var error = await Assert.ThrowsAsync<WorcrNodeException>(() => events.NextAsync());

        Assert.Equal(WorcrErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task A_log_flood_of_5000_lines_stores_at_most_MaxLogLinesPerJob_lines_plus_one_note()
    {
        // The hand-made worker sends no heartbeats, so its lease must outlast the flood on a busy machine.
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.MaxLogLinesPerJob = 1000;
            o.LeaseDuration = TimeSpan.FromMinutes(5);
        });
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.echo", "acme");
        await using var worker = await HandWorker.ConnectAsync(cluster.Nodes[0], "test.echo");
        var assign = await worker.NextAssignAsync();
        for (var i = 0; i < 5000; i++)
        {
            await worker.SendAsync(new WorkerMessage { Log = new Log { JobId = id, Attempt = assign.Attempt, Level = "info", Text = $"line {i}" } });
        }
        await worker.SendAsync(new WorkerMessage { RequestId = 1, Complete = new Complete { JobId = id, Attempt = assign.Attempt } });

        // The table is the truth: read it until the last flush landed.
        var logs = await Eventually.ReadUntilAsync(() => cluster.Database.Jobs.ReadLogsAsync(long.Parse(id, CultureInfo.InvariantCulture), 10_000),
            lines => lines.Count > 0 && lines[^1].Text == "line 4999", Patience, "the last log line stored");

        Assert.True(logs.Count <= 1001, $"{logs.Count} lines stored");
        Assert.Equal("… 4000 lines dropped", logs[0].Text);
        Assert.Equal("line 4000", logs[1].Text);
        Assert.Single(logs, l => l.Text.StartsWith('…'));
    }

    [Fact]
    public async Task A_hundred_thousand_progress_updates_are_coalesced_while_another_workers_jobs_keep_completing()
    {
        const int updates = 100_000;
        const int otherJobs = 200;
        // Coalescing is what is under test here, not pacing: the report budget is out of the way. The hand-made
        // worker sends no heartbeats, so its lease must outlast the flood on a busy machine.
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.WorkerReportsPerSecond = 10_000_000;
            o.LeaseDuration = TimeSpan.FromMinutes(5);
        });
        var node = cluster.Nodes[0];
        var client = cluster.Client();
        var chatty = await client.EnqueueAsync("test.count", "acme");
        await using var worker = await HandWorker.ConnectAsync(node, "test.count");
        var assign = await worker.NextAssignAsync();
        await using var events = Collect(client.WatchAsync([chatty]));
        await events.NextAsync();
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));
        await client.EnqueueBatchAsync(Enumerable.Range(0, otherJobs).Select(_ => new JobSpec { Type = "test.echo", Tenant = "globex" }));

        for (var i = 1; i <= updates; i++)
        {
            await worker.SendAsync(new WorkerMessage { Progress = new Progress { JobId = chatty, Attempt = assign.Attempt, Name = "n", Current = i, Total = updates } });
        }
        await worker.SendAsync(new WorkerMessage { RequestId = 1, Complete = new Complete { JobId = chatty, Attempt = assign.Attempt } });
        // On a busy machine (CI runs two test projects at once) the node may need well over half a minute for the flood.
        var watched = await events.AllAsync(TimeSpan.FromSeconds(120));
        await cluster.WaitForCountAsync(CoreJobState.Completed, otherJobs + 1, Patience);

        var progress = watched.Where(e => e.Progress is not null).ToList();
        Assert.NotEmpty(progress);
        Assert.Equal(updates, progress[^1].Progress.Current);
        Assert.True(progress.Count < updates / 10, $"{progress.Count} progress events reached the watcher");
        Assert.True(node.Events.Publisher.PublishedProgress < updates / 10, $"{node.Events.Publisher.PublishedProgress} progress events published");
        Assert.True(node.Reports.ProgressRowsWritten < updates / 10, $"{node.Reports.ProgressRowsWritten} progress rows written");
    }

    [Fact]
    public async Task A_worker_reporting_faster_than_its_budget_is_paced_loses_no_report_and_slows_no_other_worker()
    {
        const int budget = 500;
        const int updates = 3000;
        const int otherJobs = 20;
        // The hand-made worker sends no heartbeats, so its lease must outlast the paced reports.
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.WorkerReportsPerSecond = budget;
            o.LeaseDuration = TimeSpan.FromMinutes(5);
        });
        var client = cluster.Client();
        var chatty = await client.EnqueueAsync("test.count", "acme");
        await using var worker = await HandWorker.ConnectAsync(cluster.Nodes[0], "test.count");
        var assign = await worker.NextAssignAsync();
        await using var events = Collect(client.WatchAsync([chatty]));
        await events.NextAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 1; i <= updates; i++)
        {
            await worker.SendAsync(new WorkerMessage { Progress = new Progress { JobId = chatty, Attempt = assign.Attempt, Name = "n", Current = i, Total = updates } });
        }
        await worker.SendAsync(new WorkerMessage { RequestId = 1, Complete = new Complete { JobId = chatty, Attempt = assign.Attempt } });
        // The node is still working through the chatty worker's backlog; another worker's jobs go through meanwhile.
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));
        await client.EnqueueBatchAsync(Enumerable.Range(0, otherJobs).Select(_ => new JobSpec { Type = "test.echo", Tenant = "globex" }));
        await cluster.WaitForCountAsync(CoreJobState.Completed, otherJobs, Patience);
        var chattyWhenOthersWereDone = (await client.GetAsync(chatty)).State;
        var watched = await events.AllAsync();
        var elapsed = clock.Elapsed;

        // 2,500 reports beyond the burst at 500 a second: at least 5 s (less one minimum pause of rounding).
        Assert.True(elapsed >= TimeSpan.FromSeconds(4.9), $"the chatty worker's reports were handled in {elapsed.TotalSeconds:F2} s");
        Assert.Equal(JobState.Running, chattyWhenOthersWereDone);
        Assert.Equal(updates, watched.Last(e => e.Progress is not null).Progress.Current);
        Assert.Equal(JobState.Completed, watched[^1].StateChanged.State);
        var stored = await Eventually.ReadUntilAsync(() => client.GetAsync(chatty), job => job.Progress.Any(p => p.Current == updates), Patience, "the last progress stored");
        Assert.Equal(updates, Assert.Single(stored.Progress).Total);
    }

    private static string Describe(JobEvent e) => e.EventCase switch
    {
        JobEvent.EventOneofCase.StateChanged => e.StateChanged.State.ToString().ToLowerInvariant(),
        JobEvent.EventOneofCase.Progress => "progress " + e.Progress.Name,
        JobEvent.EventOneofCase.Checkpoint => "checkpoint " + e.Checkpoint.Name,
        JobEvent.EventOneofCase.Log => "log " + e.Log.Text,
        _ => "?",
    };

    private static EventStream Collect(IAsyncEnumerable<JobEvent> stream) => new(stream);

    /// <summary>A Watch call read one event at a time, each read bounded by the test's patience.</summary>
    private sealed class EventStream(IAsyncEnumerable<JobEvent> stream) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private IAsyncEnumerator<JobEvent>? _events;
        private Task<bool>? _read;

        public async Task<JobEvent> NextAsync()
        {
            if (!await ReadAsync(Patience)) throw new InvalidOperationException("The watch ended.");
            return _events!.Current;
        }

        /// <summary>Every remaining event, until the node ends the stream, each within <paramref name="patience"/>.</summary>
        public async Task<List<JobEvent>> AllAsync(TimeSpan? patience = null)
        {
            var all = new List<JobEvent>();
            while (await ReadAsync(patience ?? Patience)) all.Add(_events!.Current);
            return all;
        }

        private async Task<bool> ReadAsync(TimeSpan patience)
        {
            _events ??= stream.GetAsyncEnumerator(_stop.Token);
            _read = _events.MoveNextAsync().AsTask();
            return await _read.WaitAsync(patience);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            // An async iterator refuses DisposeAsync while a read is pending (one that outlived its patience).
            if (_read is not null) await ((Task)_read).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (_events is not null) await _events.DisposeAsync().AsTask().ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }
    }

    /// <summary>A worker made by hand on the raw stream, so a test controls exactly which messages are sent, in which order.</summary>
    private sealed class HandWorker : IAsyncDisposable
    {
        private readonly GrpcChannel _channel;
        private readonly AsyncDuplexStreamingCall<WorkerMessage, DispatcherMessage> _call;
        private readonly IAsyncEnumerator<DispatcherMessage> _replies;

        private HandWorker(GrpcChannel channel, AsyncDuplexStreamingCall<WorkerMessage, DispatcherMessage> call)
        {
            _channel = channel;
            _call = call;
            _replies = call.ReadPatiently(Patience);
        }

        public static async Task<HandWorker> ConnectAsync(Server.Hosting.DispatcherNode node, string jobType)
        {
            var channel = GrpcChannel.ForAddress(node.GrpcAddress);
            var worker = new HandWorker(channel, new Protocol.V1.Workers.WorkersClient(channel).Connect());
            var hello = new Hello { WorkerId = $"hand-{Guid.NewGuid():N}"[..16], Capacity = 1 };
            hello.JobTypes.Add(jobType);
            await worker.SendAsync(new WorkerMessage { Hello = hello });
            return worker;
        }

        public Task SendAsync(WorkerMessage message) => _call.RequestStream.WriteAsync(message);

        public async Task<Assign> NextAssignAsync()
        {
            while (await _replies.MoveNextAsync())
            {
                if (_replies.Current.Assign is { } assign) return assign;
            }
            throw new InvalidOperationException("The stream ended before a job was assigned.");
        }

        public async ValueTask DisposeAsync()
        {
            await _call.RequestStream.CompleteAsync().ContinueWith(_ => { }, TaskScheduler.Default);
            await _replies.DisposeAsync().AsTask().ContinueWith(_ => { }, TaskScheduler.Default);
            _call.Dispose();
            _channel.Dispose();
        }
    }
}

public sealed class LiveEventPartsTests
{
    [Fact]
    public void Coalesced_progress_keeps_only_the_latest_update_per_counter_and_the_order_of_what_happened()
    {
        var pending = new PendingEvents();
        pending.Add(Event(Progress("1", "n", 1)));
        pending.Add(Event(new JobEvent { JobId = "1", Log = new LogLine { Text = "between" } }));
        pending.Add(Event(Progress("1", "n", 2)));
        pending.Add(Event(Progress("1", "m", 7)));

        var taken = pending.TakeAll();

        Assert.Equal(["between", "n=2", "m=7"], taken.Select(t => t.Event.Log?.Text ?? $"{t.Event.Progress.Name}={t.Event.Progress.Current}"));
        Assert.Equal(0, pending.Count);
    }

    [Fact]
    public void A_flush_starts_afresh_after_taking_everything_even_when_its_buffers_are_kept()
    {
        var pending = new PendingEvents();
        pending.Add(Event(Progress("1", "n", 1)));
        pending.Add(Event(Progress("1", "m", 1)));
        var first = pending.TakeAll();
        pending.Add(Event(Progress("1", "m", 2)));
        pending.Add(Event(Progress("1", "n", 2)));
        pending.Add(Event(Progress("1", "n", 3)));

        var second = pending.TakeAll();

        Assert.Equal(["n=1", "m=1"], first.Select(t => $"{t.Event.Progress.Name}={t.Event.Progress.Current}"));
        Assert.Equal(["m=2", "n=3"], second.Select(t => $"{t.Event.Progress.Name}={t.Event.Progress.Current}"));
        Assert.Equal(1, pending.Coalesced);
    }

    [Fact]
    public void A_state_change_older_than_what_the_watcher_was_told_is_left_out()
    {
        var jobs = new WatchedJobs(new WatchFilter([5], null));

        Assert.True(jobs.Accept(State(5, JobState.Running, 1)));
        Assert.False(jobs.Accept(State(5, JobState.Waiting, 0)));
        Assert.False(jobs.Accept(State(5, JobState.Running, 1)));
        Assert.True(jobs.Accept(State(5, JobState.Completed, 1)));
        Assert.True(jobs.Done);
        Assert.False(jobs.Accept(Progress("5", "n", 3)));
    }

    [Fact]
    public void A_watcher_that_reads_nothing_never_blocks_the_hub_and_is_cut_off_past_its_count()
    {
        var hub = new EventHub();
        var cutOff = hub.WatcherCutOff;
        using var slow = hub.Subscribe(new WatchFilter([], null));
        using var other = hub.Subscribe(new WatchFilter([], "globex"));
        var flood = Enumerable.Range(0, EventWatcher.Capacity + 10).Select(i => Event(Progress("1", $"c{i}", i))).ToList();

        hub.Deliver(flood);

        Assert.True(cutOff.IsCompleted);
        Assert.True(slow.IsCutOff);
        Assert.Equal(0, slow.PendingBytes);
        Assert.False(other.IsCutOff);
    }

    [Fact]
    public void A_watcher_is_cut_off_past_its_bytes_long_before_its_count()
    {
        var hub = new EventHub();
        using var slow = hub.Subscribe(new WatchFilter([], null));
        var line = new string('x', 8192);
        var flood = Enumerable.Range(0, 1000).Select(_ => Event(new JobEvent { JobId = "1", Log = new LogLine { Text = line } })).ToList();

        hub.Deliver(flood.Take(EventWatcher.MaxBytes / 9000).ToList());
        Assert.False(slow.IsCutOff);
        Assert.InRange(slow.PendingBytes, 1, EventWatcher.MaxBytes);

        hub.Deliver(flood);

        Assert.True(slow.IsCutOff);
        Assert.Equal(0, slow.PendingBytes);
    }

    [Fact]
    public void A_batch_survives_the_trip_through_the_payload_with_its_tenants()
    {
        var payload = EventCodec.Encode([new TenantEvent("acme", Progress("1", "n", 1)), new TenantEvent("", State(2, JobState.Dead, 3))]);

        var decoded = EventCodec.Decode(payload);

        Assert.Equal(["acme", ""], decoded.Select(d => d.Tenant));
        Assert.Equal(JobState.Dead, decoded[1].Event.StateChanged.State);
    }

    [Fact]
    public async Task An_event_announced_after_the_publisher_stopped_is_still_published_by_the_time_it_closes()
    {
        var published = new List<string>();
        var publisher = new EventPublisher(payload =>
        {
            lock (published) published.AddRange(EventCodec.Decode(payload).Select(e => e.Event.JobId));
            return Task.CompletedTask;
        }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var run = publisher.RunAsync(stop.Token);
        publisher.Publish("acme", State(1, JobState.Waiting, 0));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        // The loop made its last flush; the enqueue batcher's own last flush announces a job after it.
        publisher.Publish("acme", State(2, JobState.Waiting, 0));
        await publisher.CloseAsync().WaitAsync(TimeSpan.FromSeconds(30));

        lock (published) Assert.Equal(["1", "2"], published);
    }

    private static TenantEvent Event(JobEvent jobEvent) => new("acme", jobEvent);

    private static JobEvent Progress(string jobId, string name, long current) =>
        new() { JobId = jobId, Progress = new ProgressCounter { Name = name, Current = current } };

    private static JobEvent State(long jobId, JobState state, int attempt) =>
        new() { JobId = jobId.ToString(CultureInfo.InvariantCulture), StateChanged = new StateChanged { State = state, Attempt = attempt } };
}
