using Worcr.Core.Jobs;
using Worcr.Server.Workers;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// A stopping node stores the completions its workers sent before the stop, the batch under way included: one
/// dropped there would leave its finished job running until its lease ends, then run it again.
/// </summary>
public sealed class CompletionBatcherStopTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_batch_being_stored_when_the_node_stops_is_stored_and_so_is_what_was_queued_behind_it()
    {
        var store = new HeldStore();
        var batcher = new CompletionBatcher(store.CompleteAsync);
        using var stop = new CancellationTokenSource();
        var run = batcher.RunAsync(stop.Token);
        var first = batcher.CompleteAsync(new Completion(1, 1, null));
        await store.Entered.WaitAsync(Patience);
        var second = batcher.CompleteAsync(new Completion(2, 1, null));

        await stop.CancelAsync();
        store.Release();

        Assert.True(await first.WaitAsync(Patience));
        Assert.True(await second.WaitAsync(Patience));
        await run.WaitAsync(Patience);
        Assert.Equal([1L, 2L], store.Stored);
    }

    [Fact]
    public async Task What_cannot_be_stored_within_the_stop_patience_fails_as_not_stored_and_the_loop_ends()
    {
        var store = new HeldStore();
        var batcher = new CompletionBatcher(store.CompleteAsync, new StoreRetry { StopPatience = TimeSpan.FromMilliseconds(100) });
        using var stop = new CancellationTokenSource();
        var run = batcher.RunAsync(stop.Token);
        var held = batcher.CompleteAsync(new Completion(1, 1, null));
        await store.Entered.WaitAsync(Patience);

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held.WaitAsync(Patience));
        await run.WaitAsync(Patience);
        var late = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.CompleteAsync(new Completion(2, 1, null)));
        Assert.Contains("shutting down", late.Message, StringComparison.Ordinal);
        Assert.Empty(store.Stored);
    }

    /// <summary>A store whose first call waits until the test releases it (or its token ends it).</summary>
    private sealed class HeldStore
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<long> _stored = [];

        public Task Entered => _entered.Task;

        public IReadOnlyList<long> Stored
        {
            get
            {
                lock (_stored) return [.. _stored];
            }
        }

        public void Release() => _released.TrySetResult();

        public async Task<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<Completion> completions, CancellationToken ct)
        {
            _entered.TrySetResult();
            await _released.Task.WaitAsync(ct);
            lock (_stored) _stored.AddRange(completions.Select(c => c.JobId));
            return [.. completions.Select(_ => true)];
        }
    }
}
