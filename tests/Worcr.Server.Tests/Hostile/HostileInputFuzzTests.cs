using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Tests.WorkerSdk;
using Worcr.Worker;
using Xunit.Abstractions;

namespace Worcr.Server.Tests.Hostile;

/// <summary>
/// Random JobSpecs and WorkerMessages against a real node, from a seeded Random (the seed is printed; set
/// WORCR_FUZZ_SEED to replay a run). Every answer is a clean status, nothing is logged at error level, a control
/// stream of other jobs keeps finishing, and the process's managed memory comes back down afterwards. A watchdog
/// writes every 15 s where the fuzzer waits and what the node's worker sessions hold ([diag] lines; WORCR_FUZZ_DIAG
/// names a file they are appended to as well, which outlives a test host stopped for hanging).
/// </summary>
public sealed class HostileInputFuzzTests(ITestOutputHelper output)
{
    private static readonly StatusCode[] CleanStatuses = [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.ResourceExhausted, StatusCode.PermissionDenied];
    private static readonly TimeSpan FuzzTime = TimeSpan.FromSeconds(12);

    [Fact]
    public Task Random_job_specs_get_clean_answers_log_no_errors_and_other_jobs_finish() => FuzzAsync(fuzzWorkers: false);

    [Fact]
    public Task Random_worker_messages_get_clean_answers_log_no_errors_and_other_jobs_finish() => FuzzAsync(fuzzWorkers: true);

    private async Task FuzzAsync(bool fuzzWorkers)
    {
        // A control job every few calls comes from the producer fuzzers; the worker fuzzer gets its own steady stream.
        var seed = Environment.GetEnvironmentVariable("WORCR_FUZZ_SEED") is { Length: > 0 } given ? int.Parse(given, CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"Fuzz seed {seed}: WORCR_FUZZ_SEED={seed} replays this run.");
        var logs = new CapturingLoggerProvider();
        var total = Stopwatch.StartNew();
        var cluster = await TestCluster.StartAsync(logs: logs);
        Diag($"seed {seed}: cluster started after {total.Elapsed.TotalSeconds:0.0} s");
        using var watchdogStop = new CancellationTokenSource();
        var watchdog = WatchdogAsync(cluster, watchdogStop.Token);
        try
        {
            await FuzzOnAsync(cluster, logs, seed, fuzzWorkers);
        }
        finally
        {
            await watchdogStop.CancelAsync();
            await watchdog.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var disposing = Stopwatch.StartNew();
            Diag("disposing");
            await cluster.DisposeAsync();
            Diag($"disposed in {disposing.Elapsed.TotalSeconds:0.0} s; total {total.Elapsed.TotalSeconds:0.0} s");
        }
    }

    private volatile string _where = "start";

    private async Task WatchdogAsync(TestCluster cluster, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(15), stop);
            var dispatcher = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Worcr.Server.Dispatch.Dispatcher>(cluster.Nodes[0].Services);
            Diag($"watchdog: at {_where}; sessions: " + string.Join(" | ", dispatcher.Sessions.Select(s =>
                $"{(s.WorkerId.Length > 20 ? s.WorkerId[..20] : s.WorkerId)} cap {s.Capacity} running {s.RunningCount} avail {s.AvailableCredits} held [{string.Join(",", s.HeldAttempts().Select(a => $"{a.JobId}/{a.Attempt}"))}]")));
        }
    }

    private void Diag(string line)
    {
        output.WriteLine("[diag] " + line);
        if (Environment.GetEnvironmentVariable("WORCR_FUZZ_DIAG") is { Length: > 0 } file) File.AppendAllText(file, $"{DateTime.UtcNow:HH:mm:ss.fff} {line}\n");
    }

    private async Task FuzzOnAsync(TestCluster cluster, CapturingLoggerProvider logs, int seed, bool fuzzWorkers)
    {
        var client = cluster.Client();
        cluster.StartWorker(0, w => w.Handle("test.count", _ => Task.FromResult(JobResult.Complete("{\"ok\": true}"))), concurrency: 4);
        _where = "first probe";
        await NodeProbe.AssertStillServesAsync(client);
        _where = "memory before";
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        using var pooled = new PooledArrays();
        var answers = new ConcurrentBag<(StatusCode Status, string What)>();
        var controlJobs = new ConcurrentBag<string>();

        var fuzzers = fuzzWorkers
            ? [FuzzWorkerStreamsAsync(cluster, new HostileValues(new Random(seed)), answers, controlJobs)]
            : Enumerable.Range(0, 3).Select(i => FuzzJobSpecsAsync(cluster, new HostileValues(new Random(seed + i)), answers, controlJobs));
        var phase = Stopwatch.StartNew();
        await Task.WhenAll(fuzzers);
        Diag($"fuzzing took {phase.Elapsed.TotalSeconds:0.0} s; {controlJobs.Count} control jobs");

        output.WriteLine($"{answers.Count} answers: " + string.Join(", ", answers.GroupBy(a => a.Status).Select(g => $"{g.Key} {g.Count()}")));
        foreach (var line in logs.Lines.Where(l => l.Level >= LogLevel.Error).Take(10)) output.WriteLine($"logged: {line.Category}: {line.Message}");
        var unclean = answers.Where(a => !CleanStatuses.Contains(a.Status)).ToList();
        Assert.True(unclean.Count == 0, $"Seed {seed}: unclean answers: " + string.Join("; ", unclean.Take(5).Select(a => $"{a.Status} for {a.What}")));
        phase.Restart();
        foreach (var id in controlJobs)
        {
            try
            {
                await client.WaitForStateAsync(id, JobState.Completed, TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                foreach (var other in controlJobs)
                {
                    var job = await client.GetAsync(other);
                    if (job.State != JobState.Completed) Diag($"control job {other}: {job.State} attempt {job.Attempt} worker '{job.WorkerId}' error '{job.LastError}'");
                }
                throw;
            }
        }
        Diag($"control jobs waited {phase.Elapsed.TotalSeconds:0.0} s");
        _where = "last probe";
        await NodeProbe.AssertStillServesAsync(client);
        _where = "memory after";
        var errors = logs.Lines.Where(l => l.Level >= LogLevel.Error).ToList();
        Assert.True(errors.Count == 0, $"Seed {seed}: the node logged errors: " + string.Join("\n", errors.Take(5).Select(e => $"{e.Category}: {e.Message}")));
        var growth = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        var pooledGrowth = pooled.HeldBytes;
        var nodeGrowth = growth - pooledGrowth;
        output.WriteLine($"Managed memory grew by {Mib(growth)} MiB, {Mib(pooledGrowth)} of it arrays the ArrayPools keep for reuse.");
        Diag($"memory grew {Mib(growth)} MiB, {Mib(nodeGrowth)} without the pools' arrays; the pools allocated {pooled.LargeAllocatedCount} arrays of 1 MiB or more, {Mib(pooled.LargeAllocatedBytes)} MiB; " +
            $"gen2 {GC.CollectionCount(2)}, threads {ThreadPool.ThreadCount}; warnings: " +
            string.Join("; ", logs.Lines.Where(l => l.Level == LogLevel.Warning).GroupBy(l => l.EventId.Id).Select(g => $"{g.Key}x{g.Count()}")));
        // The whole test process's managed heap less what the ArrayPools came to hold: byte and char arrays the size of
        // the fuzzer's multi-megabyte messages, rented while they are read and handled, of which the pools keep some of
        // each size per thread and core: 134–293 MiB alone, 342 MiB of large arrays in a full suite on two cores, where a
        // bound on the whole heap failed. Without them, 8–9 MiB alone: the node, Kestrel's and Npgsql's own pools, the
        // in-process client, the captured log lines (and whatever tests running beside this one hold). A node that kept a
        // few dozen of the large messages it was sent would pass the bound.
        Assert.True(nodeGrowth < 128L * 1024 * 1024, $"Seed {seed}: managed memory grew by {Mib(growth)} MiB, {Mib(nodeGrowth)} MiB of it not arrays the ArrayPools keep.");
    }

    private static long Mib(long bytes) => bytes / 1024 / 1024;

    /// <summary>Enqueue and EnqueueBatch with random specs, some with invalid UTF-8 spliced into string fields; a control job every few calls.</summary>
    private static async Task FuzzJobSpecsAsync(TestCluster cluster, HostileValues values, ConcurrentBag<(StatusCode, string)> answers, ConcurrentBag<string> controlJobs)
    {
        using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress, new GrpcChannelOptions { MaxSendMessageSize = null });
        var jobs = new Jobs.JobsClient(channel);
        var control = cluster.Client();
        var clock = Stopwatch.StartNew();
        for (var call = 0; clock.Elapsed < FuzzTime; call++)
        {
            if (call % 5 == 0) controlJobs.Add(await control.EnqueueAsync("test.count", "control", new { call }));
            var spec = Spec(values);
            if (!Sendable(spec)) continue;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            if (values.Chance(0.2))
            {
                var extra = Spec(values);
                if (!Sendable(extra)) continue;
                var batch = new EnqueueBatchRequest { Jobs = { spec, extra, new JobSpec { Type = "test.echo", Tenant = "acme" } } };
                answers.Add((await StatusOfAsync(() => jobs.EnqueueBatchAsync(batch, deadline: deadline).ResponseAsync), "batch " + Describe(spec)));
            }
            else
            {
                answers.Add((await StatusOfAsync(() => jobs.EnqueueAsync(new EnqueueRequest { Job = spec }, deadline: deadline).ResponseAsync), Describe(spec)));
            }
        }
    }

    /// <summary>Whether the client library can serialise the spec at all (it refuses some ill-formed strings itself).</summary>
    private static bool Sendable(JobSpec spec)
    {
        try
        {
            spec.ToByteArray();
            return true;
        }
        catch (Exception exception) when (exception is ArgumentException or System.Text.EncoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>A valid spec with one to three fields made hostile, so every check is reached and some jobs are accepted.</summary>
    private static JobSpec Spec(HostileValues values)
    {
        var spec = new JobSpec { Type = "test.echo", Tenant = "acme", ArgsJson = "{\"n\": 1}" };
        for (var i = values.Pick([0, 1, 1, 2, 3]); i > 0; i--)
        {
            switch (values.Pick(Enumerable.Range(0, 11).ToArray()))
            {
                // Only an impossible type: a well-formed unknown type gets FAILED_PRECONDITION, by design.
                case 0: spec.Type = "bad type " + values.Text(); break;
                case 1: spec.Tenant = values.Text(); break;
                case 2: spec.ArgsJson = values.Json(); break;
                case 3: spec.Weight = values.Double(); break;
                case 4: spec.MaxAttempts = values.Int(); break;
                case 5: spec.RunAt = values.Time(); break;
                case 6: spec.ExpiresAt = values.Time(); break;
                case 7: spec.UniqueKey = values.Text(); break;
                case 8: spec.UniqueWindow = values.Span(); break;
                case 9: spec.Traceparent = values.Text(); break;
                default:
                    for (var t = values.Pick([1, 5, 33, 200]); t > 0; t--) spec.Tags.Add(values.Chance(0.7) ? $"t{t}" : values.Text());
                    break;
            }
        }
        return spec;
    }

    /// <summary>Worker streams that say Hello (sometimes a hostile one), then send random reports about their own jobs, others' and made-up ones.</summary>
    private async Task FuzzWorkerStreamsAsync(TestCluster cluster, HostileValues values, ConcurrentBag<(StatusCode, string)> answers, ConcurrentBag<string> controlJobs)
    {
        var control = cluster.Client();
        var clock = Stopwatch.StartNew();
        for (var stream = 0; clock.Elapsed < FuzzTime; stream++)
        {
            _where = $"stream {stream}: enqueue control";
            controlJobs.Add(await control.EnqueueAsync("test.count", "control", new { stream }));
            using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress, new GrpcChannelOptions { MaxSendMessageSize = null });
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var call = new Protocol.V1.Workers.WorkersClient(channel).Connect(cancellationToken: stop.Token);
            var assigned = new ConcurrentQueue<Assign>();
            var reading = ReadUntilEndAsync(call.ResponseStream, assigned, stop.Token);
            var sent = new List<string>();
            var streamClock = Stopwatch.StartNew();
            try
            {
                var hello = new Hello { WorkerId = values.Chance(0.8) ? $"fuzz-{Guid.NewGuid():N}"[..16] : values.Text(), Capacity = values.Chance(0.8) ? 2 : values.Int() };
                hello.JobTypes.Add(values.Chance(0.9) ? "test.echo" : values.Text());
                if (values.Chance(0.3)) hello.Tags.Add(values.Text());
                _where = $"stream {stream}: write hello";
                await call.RequestStream.WriteAsync(new WorkerMessage { Hello = hello });
                sent.Add("Hello");
                for (var i = 0; i < 40 && !reading.IsCompleted; i++)
                {
                    var message = Report(values, assigned);
                    sent.Add(message.MessageCase.ToString());
                    _where = $"stream {stream}: write {i} {message.MessageCase} ({message.CalculateSize()} bytes) after {string.Join(",", sent)}";
                    var write = call.RequestStream.WriteAsync(message, stop.Token);
                    if (await Task.WhenAny(write, reading) == reading && !write.IsCompleted)
                    {
                        // The node ended the call (a message over its receive limit) while this write still waited for
                        // HTTP/2 send credit, which the client library never gives up on: the call's end is the answer.
                        _ = write.ContinueWith(static w => _ = w.Exception, TaskScheduler.Default);
                        sent.Add("(write abandoned)");
                        break;
                    }
                    await write;
                }
                _where = $"stream {stream}: complete after {string.Join(",", sent)}";
                await call.RequestStream.CompleteAsync();
            }
            catch (Exception exception) when (exception is RpcException or InvalidOperationException or IOException)
            {
                // The node ended the stream while we wrote: its status is what the reader sees.
            }
            _where = $"stream {stream}: reading to the end after {string.Join(",", sent)}";
            var streamStatus = await reading;
            if (streamClock.Elapsed > TimeSpan.FromSeconds(5)) Diag($"stream {stream} took {streamClock.Elapsed.TotalSeconds:0.0} s, ended {streamStatus}, sent {string.Join(",", sent)}");
            answers.Add((streamStatus, "worker stream " + string.Join(",", sent.TakeLast(3))));
        }
    }

    private static WorkerMessage Report(HostileValues values, ConcurrentQueue<Assign> assigned)
    {
        var own = assigned.ToArray();
        var jobId = own.Length > 0 && values.Chance(0.6) ? values.Pick(own).JobId : values.Chance(0.5) ? values.Long().ToString(CultureInfo.InvariantCulture) : values.Text();
        var attempt = own.Length > 0 && values.Chance(0.7) ? own[^1].Attempt : values.Int();
        var message = new WorkerMessage { RequestId = (ulong)values.Long() };
        switch (values.Pick(Enumerable.Range(0, 9).ToArray()))
        {
            case 0: message.Credit = new Credit { N = values.Int() }; break;
            case 1: message.Progress = new Progress { JobId = jobId, Attempt = attempt, Name = values.Text(), Current = values.Long(), Total = values.Long(), Text = values.Text() }; break;
            case 2: message.Checkpoint = new Checkpoint { JobId = jobId, Attempt = attempt, Name = values.Text(), Value = values.Text() }; break;
            case 3: message.Log = new Log { JobId = jobId, Attempt = attempt, Level = values.Text(), Text = values.Text(), At = values.Time() }; break;
            case 4: message.Complete = new Complete { JobId = jobId, Attempt = attempt, ResultJson = values.Json() }; break;
            case 5: message.Fail = new Fail { JobId = jobId, Attempt = attempt, Error = values.Text(), Retryable = values.Chance(0.5), RetryAfter = values.Span() }; break;
            case 6: message.Yield = new Yield { JobId = jobId, Attempt = attempt, Delay = values.Span() }; break;
            case 7: message.Heartbeat = new Heartbeat(); break;
            default: message.Credit = new Credit { N = 1 }; break;
        }
        return message;
    }

    private static async Task<StatusCode> ReadUntilEndAsync(IAsyncStreamReader<DispatcherMessage> replies, ConcurrentQueue<Assign> assigned, CancellationToken cancellationToken)
    {
        try
        {
            while (await replies.MoveNext(cancellationToken))
            {
                if (replies.Current.MessageCase == DispatcherMessage.MessageOneofCase.Assign) assigned.Enqueue(replies.Current.Assign);
            }
            return StatusCode.OK;
        }
        catch (RpcException exception)
        {
            return exception.StatusCode;
        }
    }

    private static async Task<StatusCode> StatusOfAsync(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException exception)
        {
            return exception.StatusCode;
        }
    }

    private static string Describe(JobSpec spec) =>
        $"type {Core.Input.TextCheck.Quote(spec.Type)}, tenant {Core.Input.TextCheck.Quote(spec.Tenant)}, args {Core.Input.TextCheck.Quote(spec.ArgsJson, 80)}, " +
        $"weight {spec.Weight}, max_attempts {spec.MaxAttempts}, run_at {spec.RunAt?.Seconds}/{spec.RunAt?.Nanos}, unique_key {Core.Input.TextCheck.Quote(spec.UniqueKey)}, tags {spec.Tags.Count}";
}
