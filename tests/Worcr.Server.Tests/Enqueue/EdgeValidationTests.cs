using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using CoreState = Worcr.Core.Jobs.JobState;

namespace Worcr.Server.Tests.Enqueue;

/// <summary>
/// Every string and number a producer sends is checked at the edge: a bad value gets INVALID_ARGUMENT naming the
/// field, nothing is stored, and the node keeps serving (docs/security.md, "Limits").
/// </summary>
public sealed class EdgeValidationTests(SingleNodeFixture fixture) : IClassFixture<SingleNodeFixture>
{
    private TestCluster Cluster => fixture.Cluster;

    public static TheoryData<string, string> BadSpecs => new()
    {
        { "unique key with a NUL", "unique_key" },
        { "unique key of a cron schedule's tick", "job.unique_key" },
        { "tenant with a trailing newline", "job.tenant" },
        { "type with a NUL", "job.type" },
        { "33 tags", "job.tags" },
        { "tag of 101 characters", "job.tags[0]" },
        { "args escaping a NUL", "job.args_json" },
        { "args escaping a lone surrogate", "job.args_json" },
        { "args number overflowing a double", "job.args_json" },
        { "args number with a huge negative exponent", "job.args_json" },
        { "args nested 65 deep", "job.args_json" },
        { "args that grow past the limit once stored", "job.args_json" },
        { "NaN weight", "job.weight" },
        { "infinite weight", "job.weight" },
        { "negative weight", "job.weight" },
        { "huge weight", "job.weight" },
        { "run_at beyond the year 9999", "job.run_at" },
        { "run_at with negative nanos", "job.run_at" },
        { "run_at 20 years ahead", "job.run_at" },
        { "expires_at 20 years ahead", "job.expires_at" },
        { "unique window of ten years", "job.unique_window" },
        { "unique window with negative nanos", "job.unique_window" },
        { "unique window longer than finished jobs are kept", "job.unique_window" },
        { "traceparent of 10,000 characters", "job.traceparent" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public async Task A_bad_value_gets_invalid_argument_naming_the_field_and_stores_nothing(string what, string field)
    {
        var before = await Cluster.CountAsync(CoreState.Waiting) + await Cluster.CountAsync(CoreState.Scheduled);

        var error = await EnqueueFailsAsync(Spec(what));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(field, error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("\0", error.Status.Detail, StringComparison.Ordinal);
        Assert.True(error.Status.Detail.Length < 1000, $"The error echoes too much: {error.Status.Detail.Length} characters.");
        Assert.Equal(before, await Cluster.CountAsync(CoreState.Waiting) + await Cluster.CountAsync(CoreState.Scheduled));
        await NodeProbe.AssertStillServesAsync(Cluster.Client());
    }

    [Fact]
    public async Task Values_at_the_limits_are_accepted()
    {
        var spec = new JobSpec
        {
            Type = "test.echo", Tenant = "acme", Weight = 1_000_000, UniqueKey = "ключ-" + new string('k', 400),
            ArgsJson = $$"""{"deep": {{Nested(63)}}, "big": 1.7e308, "small": 1e-308, "text": "é\u00e9\n"}""",
            RunAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(365)),
            // As long as a finished job is kept by default (completed, cancelled and expired: 7 days).
            UniqueWindow = Duration.FromTimeSpan(TimeSpan.FromDays(7)),
        };
        spec.Tags.AddRange(Enumerable.Range(0, 32).Select(i => $"t{i}"));

        var response = await EnqueueCalls.EnqueueAsync(Cluster.Nodes[0].GrpcAddress, spec);

        Assert.Equal(Protocol.V1.JobState.Scheduled, response.State);
        var stored = await Cluster.Client().GetAsync(response.JobId);
        // PostgreSQL prints the number in full: 17 and 307 zeros.
        Assert.Contains("\"big\": 17000", stored.ArgsJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_with_one_bad_job_names_it_and_stores_none()
    {
        var before = await Cluster.CountAsync(CoreState.Waiting);
        var request = new EnqueueBatchRequest();
        request.Jobs.Add(new JobSpec { Type = "test.echo", Tenant = "acme" });
        request.Jobs.Add(new JobSpec { Type = "test.echo", Tenant = "acme" });
        request.Jobs.Add(new JobSpec { Type = "test.echo", Tenant = "acme", UniqueKey = "a\0b" });
        using var channel = GrpcChannel.ForAddress(Cluster.Nodes[0].GrpcAddress);

        var error = await Assert.ThrowsAsync<RpcException>(() => new Jobs.JobsClient(channel).EnqueueBatchAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("jobs[2].unique_key", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await Cluster.CountAsync(CoreState.Waiting));
    }

    [Fact]
    public async Task Get_cancel_retry_and_watch_name_a_bad_job_id_without_echoing_it_whole()
    {
        using var channel = GrpcChannel.ForAddress(Cluster.Nodes[0].GrpcAddress);
        var jobs = new Jobs.JobsClient(channel);
        var hostile = "1\0" + new string('9', 100_000);

        var errors = new[]
        {
            await Assert.ThrowsAsync<RpcException>(() => jobs.GetAsync(new GetJobRequest { JobId = hostile }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => jobs.CancelAsync(new CancelJobRequest { JobId = hostile }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(() => jobs.RetryAsync(new RetryJobRequest { JobId = hostile }).ResponseAsync),
            await Assert.ThrowsAsync<RpcException>(async () =>
            {
                using var watch = jobs.Watch(new WatchJobsRequest { JobIds = { hostile } });
                await watch.ResponseStream.MoveNext();
            }),
        };

        foreach (var error in errors)
        {
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains("job_id", error.Status.Detail, StringComparison.Ordinal);
            Assert.True(error.Status.Detail.Length < 200, error.Status.Detail);
        }
    }

    [Fact]
    public async Task A_cancel_reason_with_a_nul_gets_invalid_argument_and_the_job_stays()
    {
        var client = Cluster.Client();
        var id = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", RunAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)) });
        using var channel = GrpcChannel.ForAddress(Cluster.Nodes[0].GrpcAddress);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new Jobs.JobsClient(channel).CancelAsync(new CancelJobRequest { JobId = id, Reason = "stop\0now" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("reason", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(Protocol.V1.JobState.Scheduled, (await client.GetAsync(id)).State);
    }

    [Fact]
    public async Task Invalid_utf8_on_the_wire_gets_invalid_argument_never_an_unknown_error()
    {
        // Protobuf strings are length-delimited bytes: craft them by hand, as a hostile client would.
        var body = RawProto.Message(
            (1, RawProto.Message(
                (1, "test.echo"u8.ToArray()),
                (2, "acme"u8.ToArray()),
                (4, [(byte)'"', 0xFF, 0xFE, 0xC0, 0x80, (byte)'"']),
                (9, [0xED, 0xA0, 0x80, (byte)'k']))));

        var logs = new WorkerSdk.CapturingLoggerProvider();
        await using var cluster = await TestCluster.StartAsync(logs: logs);

        var result = await RawProto.CallAsync(cluster.Nodes[0].GrpcAddress, "/worcr.v1.Jobs/Enqueue", body);

        var errors = string.Join("\n", logs.Lines.Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Select(l => l.Message));
        Assert.True(result.StatusCode == StatusCode.InvalidArgument, $"The node answered {result}: {errors}");
        Assert.Contains("job.args_json is not valid UTF-8", result.Detail, StringComparison.Ordinal);
        Assert.Equal("", errors);
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }

    private async Task<RpcException> EnqueueFailsAsync(JobSpec spec) =>
        await Assert.ThrowsAsync<RpcException>(() => EnqueueCalls.EnqueueAsync(Cluster.Nodes[0].GrpcAddress, spec));

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static JobSpec Spec(string what)
    {
        var spec = new JobSpec { Type = "test.echo", Tenant = "acme" };
        var far = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddYears(20));
        switch (what)
        {
            case "unique key with a NUL": spec.UniqueKey = "order-1\0"; break;
            // Taken first, it would stand in for the schedule's job at that tick: the schedule's own would never run.
            case "unique key of a cron schedule's tick": spec.UniqueKey = $"cron:billing:{DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds()}"; break;
            case "tenant with a trailing newline": spec.Tenant = "acme\n"; break;
            case "type with a NUL": spec.Type = "test.echo\0"; break;
            case "33 tags": spec.Tags.AddRange(Enumerable.Range(0, 33).Select(i => $"t{i}")); break;
            case "tag of 101 characters": spec.Tags.Add(new string('t', 101)); break;
            case "args escaping a NUL": spec.ArgsJson = """{"a": "x\u0000y"}"""; break;
            case "args escaping a lone surrogate": spec.ArgsJson = """{"a": "\ud800"}"""; break;
            case "args number overflowing a double": spec.ArgsJson = """{"n": 1e400}"""; break;
            case "args number with a huge negative exponent": spec.ArgsJson = """{"n": 1e-99999}"""; break;
            case "args nested 65 deep": spec.ArgsJson = Nested(65); break;
            case "args that grow past the limit once stored": spec.ArgsJson = "[" + string.Join(",", Enumerable.Repeat("1e300", 4000)) + "]"; break;
            case "NaN weight": spec.Weight = double.NaN; break;
            case "infinite weight": spec.Weight = double.PositiveInfinity; break;
            case "negative weight": spec.Weight = -1; break;
            case "huge weight": spec.Weight = 1e300; break;
            case "run_at beyond the year 9999": spec.RunAt = new Timestamp { Seconds = long.MaxValue / 2 }; break;
            case "run_at with negative nanos": spec.RunAt = new Timestamp { Seconds = 1, Nanos = -5 }; break;
            case "run_at 20 years ahead": spec.RunAt = far; break;
            case "expires_at 20 years ahead": spec.ExpiresAt = far; break;
            case "unique window of ten years": spec.UniqueKey = "k"; spec.UniqueWindow = Duration.FromTimeSpan(TimeSpan.FromDays(3650)); break;
            case "unique window with negative nanos": spec.UniqueKey = "k"; spec.UniqueWindow = new Duration { Seconds = 5, Nanos = -1 }; break;
            // Completed jobs are kept 7 days: after that a window could not find the first job, and let a duplicate in.
            case "unique window longer than finished jobs are kept": spec.UniqueKey = "k"; spec.UniqueWindow = Duration.FromTimeSpan(TimeSpan.FromDays(8)); break;
            case "traceparent of 10,000 characters": spec.Traceparent = new string('0', 10_000); break;
            default: throw new ArgumentOutOfRangeException(nameof(what), what, null);
        }
        return spec;
    }
}
