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
/// stream of other jobs keeps finishing, and the process's managed memory comes back down afterwards.
/// </summary>
public sealed class HostileInputFuzzTests(ITestOutputHelper output)
{
    private static readonly StatusCode[] CleanStatuses = [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.ResourceExhausted, StatusCode.PermissionDenied];
    private static readonly TimeSpan FuzzTime = TimeSpan.FromSeconds(12);
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);
    private static readonly Method<byte[], byte[]> RawEnqueue = new(MethodType.Unary, "worcr.v1.Jobs", "Enqueue", Bytes, Bytes);

    [Fact]
    public async Task Random_job_specs_and_worker_messages_get_clean_answers_log_no_errors_and_other_jobs_finish()
    {
        var seed = Environment.GetEnvironmentVariable("WORCR_FUZZ_SEED") is { Length: > 0 } given ? int.Parse(given, CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"Fuzz seed {seed}: WORCR_FUZZ_SEED={seed} replays this run.");
        var logs = new CapturingLoggerProvider();
        await using var cluster = await TestCluster.StartAsync(logs: logs);
        var client = cluster.Client();
        cluster.StartWorker(0, w => w.Handle("test.count", _ => Task.FromResult(JobResult.Complete("{\"ok\": true}"))), concurrency: 4);
        await NodeProbe.AssertStillServesAsync(client);
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var answers = new ConcurrentBag<(StatusCode Status, string What)>();
        var controlJobs = new ConcurrentBag<string>();

        var producers = Enumerable.Range(0, 3).Select(i => FuzzJobSpecsAsync(cluster, new HostileValues(new Random(seed + i)), answers, controlJobs));
        var workers = FuzzWorkerStreamsAsync(cluster, new HostileValues(new Random(seed + 100)), answers);
        await Task.WhenAll([.. producers, workers]);

        output.WriteLine($"{answers.Count} answers: " + string.Join(", ", answers.GroupBy(a => a.Status).Select(g => $"{g.Key} {g.Count()}")));
        var unclean = answers.Where(a => !CleanStatuses.Contains(a.Status)).ToList();
        Assert.True(unclean.Count == 0, $"Seed {seed}: unclean answers: " + string.Join("; ", unclean.Take(5).Select(a => $"{a.Status} for {a.What}")));
        foreach (var id in controlJobs) await client.WaitForStateAsync(id, JobState.Completed, TimeSpan.FromSeconds(60));
        await NodeProbe.AssertStillServesAsync(client);
        var errors = logs.Lines.Where(l => l.Level >= LogLevel.Error).ToList();
        Assert.True(errors.Count == 0, $"Seed {seed}: the node logged errors: " + string.Join("\n", errors.Take(5).Select(e => $"{e.Category}: {e.Message}")));
        var growth = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        output.WriteLine($"Managed memory grew by {growth / 1024 / 1024} MiB.");
        Assert.True(growth < 256L * 1024 * 1024, $"Seed {seed}: managed memory grew by {growth / 1024 / 1024} MiB.");
    }

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
            var deadline = DateTime.UtcNow.AddSeconds(30);
            if (values.Chance(0.3))
            {
                var body = new EnqueueRequest { Job = spec }.ToByteArray().Concat(RawProto.Message((1, RawProto.Message((values.Pick([1, 2, 3, 4, 9, 11]), values.InvalidUtf8()))))).ToArray();
                answers.Add((await StatusOfAsync(() => channel.CreateCallInvoker().AsyncUnaryCall(RawEnqueue, null, new CallOptions(deadline: deadline), body).ResponseAsync), "raw " + Describe(spec)));
            }
            else if (values.Chance(0.2))
            {
                var batch = new EnqueueBatchRequest { Jobs = { spec, Spec(values), new JobSpec { Type = "test.echo", Tenant = "acme" } } };
                answers.Add((await StatusOfAsync(() => jobs.EnqueueBatchAsync(batch, deadline: deadline).ResponseAsync), "batch " + Describe(spec)));
            }
            else
            {
                answers.Add((await StatusOfAsync(() => jobs.EnqueueAsync(new EnqueueRequest { Job = spec }, deadline: deadline).ResponseAsync), Describe(spec)));
            }
        }
    }

    private static JobSpec Spec(HostileValues values)
    {
        var spec = new JobSpec
        {
            // Only the known type or an impossible one: a well-formed unknown type gets FAILED_PRECONDITION, by design.
            Type = values.Chance(0.6) ? "test.echo" : "bad type " + values.Text(),
            Tenant = values.Chance(0.6) ? "acme" : values.Text(),
            ArgsJson = values.Json(),
            Weight = values.Double(),
            MaxAttempts = values.Chance(0.5) ? 0 : values.Int(),
            RunAt = values.Time(),
            ExpiresAt = values.Chance(0.3) ? values.Time() : null,
            UniqueKey = values.Chance(0.5) ? "" : values.Text(),
            UniqueWindow = values.Chance(0.3) ? values.Span() : null,
            Traceparent = values.Chance(0.8) ? "" : values.Text(),
        };
        for (var i = values.Chance(0.8) ? 0 : values.Pick([1, 5, 33, 200]); i > 0; i--) spec.Tags.Add(values.Chance(0.7) ? $"t{i}" : values.Text());
        return spec;
    }

    /// <summary>Worker streams that say Hello (sometimes a hostile one), then send random reports about their own jobs, others' and made-up ones.</summary>
    private static async Task FuzzWorkerStreamsAsync(TestCluster cluster, HostileValues values, ConcurrentBag<(StatusCode, string)> answers)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < FuzzTime)
        {
            using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress, new GrpcChannelOptions { MaxSendMessageSize = null });
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using var call = new Protocol.V1.Workers.WorkersClient(channel).Connect(cancellationToken: stop.Token);
            var assigned = new ConcurrentQueue<Assign>();
            var reading = ReadUntilEndAsync(call.ResponseStream, assigned, stop.Token);
            var sent = new List<string>();
            try
            {
                var hello = new Hello { WorkerId = values.Chance(0.8) ? $"fuzz-{Guid.NewGuid():N}"[..16] : values.Text(), Capacity = values.Chance(0.8) ? 2 : values.Int() };
                hello.JobTypes.Add(values.Chance(0.9) ? "test.echo" : values.Text());
                if (values.Chance(0.3)) hello.Tags.Add(values.Text());
                await call.RequestStream.WriteAsync(new WorkerMessage { Hello = hello });
                sent.Add("Hello");
                for (var i = 0; i < 40 && !reading.IsCompleted; i++)
                {
                    var message = Report(values, assigned);
                    sent.Add(message.MessageCase.ToString());
                    await call.RequestStream.WriteAsync(message);
                }
                await call.RequestStream.CompleteAsync();
            }
            catch (Exception exception) when (exception is RpcException or InvalidOperationException or IOException)
            {
                // The node ended the stream while we wrote: its status is what the reader sees.
            }
            answers.Add((await reading, "worker stream " + string.Join(",", sent.TakeLast(3))));
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

    private static string Describe(JobSpec spec)
    {
        var text = spec.ToString();
        return text.Length <= 300 ? text : text[..300] + "…";
    }
}
