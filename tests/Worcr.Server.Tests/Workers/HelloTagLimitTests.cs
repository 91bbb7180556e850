using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// Hello.tags were not checked at all: a worker could connect with a million of them (each weight rule call then copies
/// them into the script, outside its budget, on the dispatch loop), or with a NUL in one. Now: at most 32, each 1-100
/// characters that can be stored, or the stream ends with INVALID_ARGUMENT naming Hello.tags before any Welcome.
/// </summary>
public sealed class HelloTagLimitTests
{
    public static TheoryData<string, string[]> RefusedTags => new()
    {
        { "33 tags", Enumerable.Range(0, 33).Select(i => $"t{i}").ToArray() },
        { "a million tags", Enumerable.Range(0, 1_000_000).Select(i => $"t{i % 10}").ToArray() },
        { "a tag of 101 characters", [new string('a', 101)] },
        { "a tag with a NUL", ["gpu\0"] },
        { "an empty tag", [""] },
    };

    [Theory]
    [MemberData(nameof(RefusedTags))]
    public async Task A_hello_with_tags_past_their_bounds_gets_invalid_argument_naming_them(string what, string[] tags)
    {
        var refused = await RefusedHelloAsync(what, new Hello { WorkerId = "w-tags", Capacity = 1, JobTypes = { "test.echo" }, Tags = { tags } });

        Assert.Contains("Hello.tags", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hello_with_more_job_types_than_the_bound_gets_invalid_argument_naming_them()
    {
        var types = Enumerable.Range(0, 1_001).Select(i => $"junk.t{i}").ToArray();

        var refused = await RefusedHelloAsync("1,001 job types", new Hello { WorkerId = "w-types", Capacity = 1, JobTypes = { types } });

        Assert.Contains("Hello.job_types: at most 1000", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hello_with_a_job_type_of_the_wrong_format_gets_invalid_argument_naming_which_one()
    {
        var refused = await RefusedHelloAsync("a job type with a space", new Hello { WorkerId = "w-type-format", Capacity = 1, JobTypes = { "test.echo", "bad type!" } });

        Assert.Contains("Hello.job_types[1]: job type 'bad type!' must be 1-200", refused, StringComparison.Ordinal);
    }

    /// <summary>Sends <paramref name="hello"/> and returns the detail of the INVALID_ARGUMENT that must end the stream before any Welcome.</summary>
    private static async Task<string> RefusedHelloAsync(string what, Hello hello)
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.MaxMessageSize = 16 * 1024 * 1024);
        using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress, new GrpcChannelOptions { MaxSendMessageSize = null });
        using var call = new Protocol.V1.Workers.WorkersClient(channel).Connect();

        await call.RequestStream.WriteAsync(new WorkerMessage { Hello = hello });
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await using var replies = call.ReadPatiently();
            while (await replies.MoveNextAsync()) Assert.Fail($"{what}: the node answered {replies.Current.MessageCase} instead of refusing.");
        });

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(0, cluster.Nodes[0].ConnectedWorkers);
        return refused.Status.Detail;
    }

    [Fact]
    public async Task A_hello_with_32_tags_of_100_characters_of_any_kind_is_welcomed()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress);
        using var call = new Protocol.V1.Workers.WorkersClient(channel).Connect();
        // Characters a job's tag may not have: a worker's tags were never held to that pattern, so they still are not.
        var tags = Enumerable.Range(0, 32).Select(i => $"pool/{i:00} é ".PadRight(100, 'x')).ToArray();

        await call.RequestStream.WriteAsync(new WorkerMessage { Hello = new Hello { WorkerId = "w-tags-ok", Capacity = 1, JobTypes = { "test.echo" }, Tags = { tags } } });
        await using var replies = call.ReadPatiently();

        Assert.True(await replies.MoveNextAsync());
        Assert.Equal(DispatcherMessage.MessageOneofCase.Welcome, replies.Current.MessageCase);
    }
}
