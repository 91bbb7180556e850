using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Limits;

/// <summary>
/// Workers.AcquireLimit's max_wait as a hand-written client may send it: Google.Protobuf throws on a Duration that is not
/// normalized (beyond ±10,000 years, or nanos out of range or of the other sign than seconds), and that escaped as
/// UNKNOWN with an error in the node's log. The .NET SDK sends only normalized durations, so this needs the raw client.
/// </summary>
public sealed class AcquireLimitWaitInputTests
{
    private static readonly object PaymentsApi = new { name = "payments-api", kind = "fixed_window", match = new { by = "key", value = "payments-api" }, capacity = 2, period = "1h", mode = "rate" };

    [Theory]
    [InlineData(1L, -1)] // nanos of the other sign than seconds
    [InlineData(0L, 2_000_000_000)] // nanos of more than a second
    public async Task A_max_wait_that_is_no_duration_gets_invalid_argument_naming_it(long seconds, int nanos)
    {
        using var rules = new RuleFiles().With("limits.json", LimitJobs.File(PaymentsApi));
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = rules.Path);
        using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress);
        var workers = new Protocol.V1.Workers.WorkersClient(channel);

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await workers.AcquireLimitAsync(new AcquireLimitRequest
        {
            Key = "payments-api",
            Wait = true,
            MaxWait = new Duration { Seconds = seconds, Nanos = nanos },
        }));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("max_wait", refused.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>Past Duration's range of ±315,576,000,000 s, a wait is still only a long one: cut to the one-minute most.</summary>
    [Fact]
    public async Task A_max_wait_past_the_range_of_a_duration_is_cut_to_the_longest_wait()
    {
        using var rules = new RuleFiles().With("limits.json", LimitJobs.File(PaymentsApi));
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = rules.Path);
        using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress);
        var workers = new Protocol.V1.Workers.WorkersClient(channel);

        var answer = await workers.AcquireLimitAsync(new AcquireLimitRequest
        {
            Key = "payments-api",
            Wait = true,
            MaxWait = new Duration { Seconds = 10_000_000_000_000L },
        });

        Assert.True(answer.Granted);
    }
}
