using Google.Protobuf;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Worcr.Grpc.Server;
using Worcr.Grpc.Tests.Protos;

namespace Worcr.Grpc.Tests.Infrastructure;

/// <summary>The handlers behind tester.proto; see the comments there for what each one does.</summary>
internal sealed class TestService(Signals signals)
{
    public const string CrashSecret = "secret-internal-detail";

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapUnary(TesterMethods.Echo, EchoAsync);
        endpoints.MapUnary(TesterMethods.Crash, (_, _) => Task.FromException<TestReply>(new InvalidOperationException(CrashSecret)));
        endpoints.MapUnary(TesterMethods.Inspect, InspectAsync);
        endpoints.MapUnary(TesterMethods.WaitForCancel, WaitForCancelAsync);
        endpoints.MapServerStreaming(TesterMethods.Count, CountAsync);
        endpoints.MapDuplex(TesterMethods.Chat, ChatAsync);
        endpoints.MapDuplex(TesterMethods.Greet, GreetAsync);
    }

    private static Task<TestReply> EchoAsync(TestRequest request, ServerCallContext context)
    {
        FailIfAsked(request);
        return Task.FromResult(new TestReply { Text = request.Text, Padding = request.Padding });
    }

    private static Task<TestReply> InspectAsync(TestRequest request, ServerCallContext context)
    {
        var features = context.HttpContext.Features;
        var rate = features.Get<IHttpMinRequestBodyDataRateFeature>() is MinDataRateRecorder { WasSetToNull: true } ? "null" : "set";
        var size = features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        var remaining = context.Deadline is { } deadline ? (int)(deadline - DateTime.UtcNow).TotalMilliseconds : -1;
        var note = context.RequestHeaders.Get("x-note") ?? "none";
        var blob = context.RequestHeaders.GetBytes("x-blob-bin") ?? [];
        var text = $"note={note};blob={Convert.ToHexString(blob)};rate={rate};size={size?.ToString() ?? "null"}";
        return Task.FromResult(new TestReply { Text = text, Index = remaining });
    }

    private async Task<TestReply> WaitForCancelAsync(TestRequest request, ServerCallContext context)
    {
        signals.Set(request.Text + ":started", context.Deadline is null ? "no-deadline" : "deadline");
        try
        {
            var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var registration = context.CancellationToken.Register(() => cancelled.TrySetCanceled(context.CancellationToken));
            await cancelled.Task;
        }
        finally
        {
            signals.Set(request.Text, context.CancellationToken.IsCancellationRequested ? "cancelled" : "not-cancelled");
        }

        return new TestReply();
    }

    private static async Task CountAsync(TestRequest request, IServerStreamWriter<TestReply> writer, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            await writer.WriteAsync(new TestReply { Text = request.Text, Index = i });
        }

        FailIfAsked(request);
    }

    private async Task ChatAsync(IAsyncEnumerable<TestRequest> requests, IServerStreamWriter<TestReply> writer, ServerCallContext context)
    {
        string? id = null;
        var index = 0;
        try
        {
            await foreach (var request in requests)
            {
                id ??= request.Text;
                FailIfAsked(request);
                await writer.WriteAsync(new TestReply { Text = request.Text, Index = index++ });
            }

            signals.Set(id ?? "", "completed");
        }
        catch (OperationCanceledException)
        {
            signals.Set(id ?? "", "cancelled");
            throw;
        }
    }

    private static async Task GreetAsync(IAsyncEnumerable<TestRequest> requests, IServerStreamWriter<TestReply> writer, ServerCallContext context)
    {
        await writer.WriteAsync(new TestReply { Text = "hello" });
        await foreach (var request in requests)
        {
            await writer.WriteAsync(new TestReply { Text = request.Text });
        }
    }

    private static void FailIfAsked(TestRequest request)
    {
        if (request.StatusCode != 0)
        {
            throw new RpcException((StatusCode)request.StatusCode, request.Text);
        }
    }

    public static TestRequest Padded(int bytes) => new() { Text = "big", Padding = ByteString.CopyFrom(new byte[bytes]) };
}
