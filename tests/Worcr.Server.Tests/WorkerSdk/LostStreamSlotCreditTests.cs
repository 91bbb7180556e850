using Worcr.LocalServices;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// A handler that ignores its cancellation keeps its slot after its stream is lost (<see cref="LostStreamHandlerTests"/>).
/// The worker's next stream must not let the node count on that slot: its jobs would only wait in the worker while
/// other workers idle. The worker reaches the node through a <see cref="TcpProxy"/> whose cut loses the stream; the
/// node's reads are recorded (<see cref="HelloAndCreditRecorder"/>).
/// </summary>
public sealed class LostStreamSlotCreditTests
{
    [Fact]
    public async Task The_next_stream_withholds_the_credit_of_a_slot_a_lost_stream_s_handler_holds_and_grants_it_once_the_handler_returns()
    {
        var recorder = new HelloAndCreditRecorder();
        await using var cluster = await TestCluster.StartAsync(services: recorder.AddTo);
        await using var link = new TcpProxy(cluster.Nodes[0].GrpcAddress.Port);
        var client = cluster.Client();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mayReturn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = StandaloneWorker.Create(new Uri($"http://127.0.0.1:{link.Port}"), concurrency: 2);
        worker.Handle("test.slow", async _ =>
        {
            started.TrySetResult();
            await mayReturn.Task; // ignores its cancellation
            return JobResult.Complete();
        });
        await using var run = new RunningWorker(worker);
        // One attempt: the lost stream's release makes the job dead, so nothing comes back to the next stream.
        await client.EnqueueBatchAsync([new JobSpec { Type = "test.slow", Tenant = "acme", MaxAttempts = 1 }]);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        link.Cut();
        link.Restore();
        var second = await recorder.StreamAsync(2).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, second.Hello.Capacity);
        Assert.Equal(1, second.Hello.Capacity - second.Hello.WithheldCredits);

        mayReturn.SetResult();
        await recorder.CreditsAsync(second, 1).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, second.Credits);
        Assert.Equal(2, (await recorder.StreamAsync(1)).Hello.Capacity);
        // A worker without a lost stream's handlers withholds nothing.
        Assert.Equal(0, (await recorder.StreamAsync(1)).Hello.WithheldCredits);
    }
}
