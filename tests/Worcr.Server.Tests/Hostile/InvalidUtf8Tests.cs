using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Tests.WorkerSdk;
using Worcr.Worker;

namespace Worcr.Server.Tests.Hostile;

/// <summary>
/// Protobuf strings with bytes that are not UTF-8, written by hand as a hostile client would: every kind of method
/// (unary, server streaming, a message inside the worker stream) answers INVALID_ARGUMENT naming the field, logs no
/// error, and loses no job.
/// </summary>
public sealed class InvalidUtf8Tests
{
    /// <summary>Bytes no UTF-8 decoder accepts: a bare continuation byte, then an overlong NUL.</summary>
    private static readonly byte[] NotUtf8 = [(byte)'a', 0xFF, 0xC0, 0x80];

    [Fact]
    public async Task A_watch_request_with_invalid_utf8_gets_invalid_argument_naming_the_field()
    {
        var logs = new CapturingLoggerProvider();
        await using var cluster = await TestCluster.StartAsync(logs: logs);

        var status = await RawProto.ReadStreamAsync(cluster.Nodes[0].GrpcAddress, "/worcr.v1.Jobs/Watch", RawProto.Message((2, NotUtf8)));

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Equal("WatchJobsRequest.tenant is not valid UTF-8: protobuf string fields carry UTF-8 text only.", status.Detail);
        Assert.Empty(Errors(logs));
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }

    [Fact]
    public async Task A_worker_report_with_invalid_utf8_ends_the_stream_with_invalid_argument_and_its_job_runs_elsewhere()
    {
        var logs = new CapturingLoggerProvider();
        await using var cluster = await TestCluster.StartAsync(logs: logs);
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.echo", "acme", new { n = 1 });
        using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress);
        using var call = RawProto.Duplex(channel, "/worcr.v1.Workers/Connect");
        await call.RequestStream.WriteAsync(new WorkerMessage { Hello = new Hello { WorkerId = "utf8-raw", Capacity = 1, JobTypes = { "test.echo" } } }.ToByteArray());
        var assign = await NextAssignAsync(call.ResponseStream);
        Assert.Equal(id, assign.JobId);

        // WorkerMessage.log (field 6) = Log { job_id = the assigned job (1), text = not UTF-8 (4) }.
        await call.RequestStream.WriteAsync(RawProto.Message((6, RawProto.Message((1, System.Text.Encoding.UTF8.GetBytes(id)), (4, NotUtf8)))));
        var ended = await Assert.ThrowsAsync<RpcException>(async () => await NextAssignAsync(call.ResponseStream));

        Assert.Equal(StatusCode.InvalidArgument, ended.StatusCode);
        Assert.Equal("WorkerMessage.log.text is not valid UTF-8: protobuf string fields carry UTF-8 text only.", ended.Status.Detail);
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete("{}"))));
        await client.WaitForStateAsync(id, JobState.Completed, TimeSpan.FromSeconds(60));
        Assert.Empty(Errors(logs));
    }

    [Fact]
    public async Task Bytes_that_are_not_protobuf_at_all_get_invalid_argument_saying_so()
    {
        await using var cluster = await TestCluster.StartAsync();

        // Field 1 (job) claims 127 bytes, but only three follow.
        var status = await RawProto.CallAsync(cluster.Nodes[0].GrpcAddress, "/worcr.v1.Jobs/Enqueue", [0x0A, 0x7F, 0xFF, 0xFF, 0xFF]);

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.StartsWith("The EnqueueRequest message is not valid protobuf: ", status.Detail, StringComparison.Ordinal);
    }

    private static async Task<Assign> NextAssignAsync(IAsyncStreamReader<byte[]> replies)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await replies.MoveNext(patience.Token))
        {
            var message = DispatcherMessage.Parser.ParseFrom(replies.Current);
            if (message.Assign is { } assign) return assign;
        }
        throw new InvalidOperationException("The stream ended with status OK before an Assign arrived.");
    }

    private static List<string> Errors(CapturingLoggerProvider logs) =>
        logs.Lines.Where(l => l.Level >= LogLevel.Error).Select(l => $"{l.Category}: {l.Message}").ToList();
}
