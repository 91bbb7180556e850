using Worcr.Server.Workers;

namespace Worcr.Server.Tests.Workers;

/// <summary>The bound on a stream's checkpoint writes in flight (<see cref="CheckpointWrites"/>), without I/O.</summary>
public sealed class CheckpointWritesTests
{
    [Fact]
    public async Task A_stream_starts_no_more_checkpoint_writes_than_its_bound_until_one_ends()
    {
        var writes = new CheckpointWrites();
        var stuck = Enumerable.Range(0, CheckpointWrites.MaxWritesInFlight).Select(_ => new TaskCompletionSource()).ToArray();
        for (var job = 0; job < stuck.Length; job++)
        {
            var write = stuck[job];
            await writes.StartAsync(job, () => write.Task, CancellationToken.None);
        }
        var started = new TaskCompletionSource();

        var next = writes.StartAsync(100, () =>
        {
            started.TrySetResult();
            return Task.CompletedTask;
        }, CancellationToken.None);
        // The read loop awaits StartAsync: it must go on (heartbeats renew the stream's leases) while the write waits.
        var loopWentOn = next.IsCompleted;
        var startedWhileAllWereStuck = started.Task.IsCompleted;
        stuck[2].SetResult();
        await (await next).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(loopWentOn, "the read loop waited for a write slot");
        Assert.False(startedWhileAllWereStuck);
        Assert.True(started.Task.IsCompleted);
    }
}
