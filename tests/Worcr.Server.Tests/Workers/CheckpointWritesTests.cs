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

    [Fact]
    public async Task A_report_over_the_bound_behind_a_checkpoint_only_waits_for_it_and_is_taken_not_refused()
    {
        // The .NET SDK sends log lines without a request id: a refusal would drop them unseen. Behind a checkpoint
        // (stored within the command timeout) the read loop waits instead, and HTTP/2 flow control slows the worker.
        var writes = new CheckpointWrites();
        var checkpoint = new TaskCompletionSource();
        await writes.StartAsync(1, () => checkpoint.Task, CancellationToken.None);
        var ran = 0;
        for (var i = 0; i < CheckpointWrites.MaxQueuedPerJob; i++)
        {
            Assert.NotNull(await writes.ThenAsync(1, 100, () => Interlocked.Increment(ref ran), _ => { }, CancellationToken.None));
        }

        var overBound = writes.ThenAsync(1, 100, () => Interlocked.Increment(ref ran), _ => { }, CancellationToken.None).AsTask();
        var waitedForTheCheckpoint = !overBound.IsCompleted;
        checkpoint.SetResult();
        var handed = await overBound.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(waitedForTheCheckpoint, "the report over the bound did not wait for the checkpoint");
        Assert.NotNull(handed);
        Assert.Equal(CheckpointWrites.MaxQueuedPerJob + 1, ran);
        Assert.Equal(0, writes.QueuedBytes);
    }

    [Fact]
    public async Task A_report_past_the_streams_bytes_behind_an_outcome_is_refused_at_once_and_one_behind_a_checkpoint_is_taken()
    {
        var writes = new CheckpointWrites();
        var checkpoint = new TaskCompletionSource();
        await writes.StartAsync(1, () => checkpoint.Task, CancellationToken.None);
        _ = writes.ThenAsync(1, () => Task.FromResult(true));
        var half = (int)(CheckpointWrites.MaxQueuedBytes / 2);
        Assert.NotNull(await writes.ThenAsync(1, half, () => { }, _ => { }, CancellationToken.None));
        Assert.NotNull(await writes.ThenAsync(1, half, () => { }, _ => { }, CancellationToken.None));

        var overBytes = writes.ThenAsync(1, 1, () => { }, _ => { }, CancellationToken.None);

        var otherCheckpoint = new TaskCompletionSource();
        await writes.StartAsync(2, () => otherCheckpoint.Task, CancellationToken.None);
        var behindCheckpoint = writes.ThenAsync(2, 1, () => { }, _ => { }, CancellationToken.None);

        Assert.True(overBytes.IsCompleted, "the read loop waited behind an outcome");
        Assert.Null(await overBytes);
        // The stream's bytes make only a report behind an outcome wait or be refused: this one is queued at once.
        Assert.True(behindCheckpoint.IsCompleted, "the read loop waited behind another job's checkpoint");
        Assert.NotNull(await behindCheckpoint);
        checkpoint.SetResult();
        otherCheckpoint.SetResult();
    }
}
