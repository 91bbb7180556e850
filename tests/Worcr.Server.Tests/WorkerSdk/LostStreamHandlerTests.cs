using System.Collections.Concurrent;
using Worcr.LocalServices;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// A handler that ignores its cancellation outlives its lost stream. The worker reaches the node through a
/// <see cref="TcpProxy"/> whose cut loses the stream; the node releases the job and gives it back to the same worker
/// on its next stream, while the first attempt's handler still runs in the process.
/// </summary>
public sealed class LostStreamHandlerTests
{
    [Fact]
    public async Task A_handler_that_outlives_its_lost_stream_keeps_its_job_s_next_attempt_waiting_for_it()
    {
        await using var cluster = await TestCluster.StartAsync();
        await using var link = new TcpProxy(cluster.Nodes[0].GrpcAddress.Port);
        var client = cluster.Client();
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstMayReturn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var mostAtOnce = 0;
        var events = new ConcurrentQueue<string>();
        // Two slots: the next stream withholds the one attempt 1 keeps (LostStreamSlotCreditTests) and has one credit for
        // attempt 2, which must still wait for attempt 1.
        var worker = StandaloneWorker.Create(new Uri($"http://127.0.0.1:{link.Port}"), concurrency: 2);
        worker.Handle("test.slow", async context =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            events.Enqueue($"start {context.Attempt}");
            try
            {
                if (context.Attempt == 1)
                {
                    firstStarted.TrySetResult();
                    await firstMayReturn.Task; // ignores its cancellation
                }
                else
                {
                    secondStarted.TrySetResult();
                }

                return JobResult.Complete();
            }
            finally
            {
                events.Enqueue($"end {context.Attempt}");
                Interlocked.Decrement(ref running);
            }
        });
        var secondParked = worker.SaidAsync("(attempt 2) waits for its attempt 1");
        await using var run = new RunningWorker(worker);
        var id = await client.EnqueueAsync("test.slow", "acme");
        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        link.Cut();
        link.Restore();

        // The node gives attempt 2 to this worker's next stream: it either waits or starts beside attempt 1.
        await Task.WhenAny(secondParked, secondStarted.Task).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(secondStarted.Task.IsCompleted, "attempt 2 started while attempt 1's handler still ran");
        firstMayReturn.SetResult();
        await client.WaitForStateAsync(id, JobState.Completed);
        Assert.Equal(1, mostAtOnce);
        Assert.Equal(["start 1", "end 1", "start 2", "end 2"], events);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var actual && actual != seen)
        {
            seen = actual;
        }
    }
}
