using System.Threading.Channels;
using Worcr.Core.Jobs;

namespace Worcr.Server.Workers;

/// <summary>
/// Groups job completions into one statement: while one batch commits, the next one gathers. With durable
/// commits (fsync on) this is what lets a node complete more jobs per second than it has commits per second.
/// </summary>
internal sealed class CompletionBatcher
{
    private const int MaxBatch = 2000;
    private readonly Channel<(Completion Completion, TaskCompletionSource<bool> Done)> _queue =
        Channel.CreateUnbounded<(Completion, TaskCompletionSource<bool>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IJobLifecycleStore _store;

    public CompletionBatcher(IJobLifecycleStore store) => _store = store;

    /// <summary>Completes when the completion is durable: true when accepted, false for a stale attempt.</summary>
    public Task<bool> CompleteAsync(Completion completion)
    {
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((completion, done))) done.SetException(new InvalidOperationException("The node is shutting down."));
        return done.Task;
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(Completion Completion, TaskCompletionSource<bool> Done)>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
                await FlushAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var left)) left.Done.TrySetException(new OperationCanceledException("The node stopped before the completion was stored."));
    }

    private async Task FlushAsync(List<(Completion Completion, TaskCompletionSource<bool> Done)> batch, CancellationToken stoppingToken)
    {
        try
        {
            var accepted = await _store.CompleteAsync(batch.Select(b => b.Completion).ToList(), stoppingToken);
            for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(accepted[i]);
        }
        catch (Exception exception)
        {
            foreach (var item in batch) item.Done.TrySetException(exception);
        }
    }
}
