using System.Threading.Channels;
using Worcr.Core.Jobs;
using Worcr.Core.Retries;

namespace Worcr.Server.Workers;

/// <summary>
/// Groups job completions into one statement: while one batch commits, the next one gathers. With durable
/// commits (fsync on) this is what lets a node complete more jobs per second than it has commits per second.
/// A batch that fails to commit (PostgreSQL restarting, a lost connection) is retried with backoff, keeping the
/// workers' results, until it commits or the node stops: answering "not stored" would leave the job running
/// with its lease renewed by the worker's heartbeats, and nothing would ever pick it up again.
/// </summary>
internal sealed class CompletionBatcher
{
    private const int MaxBatch = 2000;
    private readonly Channel<(Completion Completion, TaskCompletionSource<bool> Done)> _queue =
        Channel.CreateUnbounded<(Completion, TaskCompletionSource<bool>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IJobLifecycleStore _store;
    private readonly RetryBackoff _backoff;

    public CompletionBatcher(IJobLifecycleStore store, RetryBackoff? backoff = null)
    {
        _store = store;
        _backoff = backoff ?? new RetryBackoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2), jitter: 0.2);
    }

    /// <summary>Called with each failed commit (the node logs it); the batch is then retried.</summary>
    public Action<Exception, int>? CommitFailed { get; init; }

    /// <summary>
    /// Completes when the completion is durable: true when accepted, false for a stale attempt. Fails only when the
    /// node stopped before it could be stored: then the job is left running without a renewer, and the lease
    /// reaper gives it to another worker once its lease ends.
    /// </summary>
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
        var stopped = new OperationCanceledException("The node stopped before the completion was stored.");
        foreach (var item in batch) item.Done.TrySetException(stopped);
        while (_queue.Reader.TryRead(out var left)) left.Done.TrySetException(stopped);
    }

    private async Task FlushAsync(List<(Completion Completion, TaskCompletionSource<bool> Done)> batch, CancellationToken stoppingToken)
    {
        var completions = batch.Select(b => b.Completion).ToList();
        for (var failures = 1; ; failures++)
        {
            try
            {
                var accepted = await _store.CompleteAsync(completions, stoppingToken);
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(accepted[i]);
                return;
            }
            catch (Exception exception) when (ReportBatches.RefusesContent(exception))
            {
                // PostgreSQL refuses a completion for its content: retrying cannot help, and it must not fail the
                // others. Each goes alone, and the one refused fails by itself.
                if (batch.Count == 1)
                {
                    batch[0].Done.TrySetException(exception);
                    return;
                }
                foreach (var item in batch) await FlushAsync([item], stoppingToken);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                CommitFailed?.Invoke(exception, failures);
                await Task.Delay(_backoff.DelayAfter(failures), stoppingToken);
            }
        }
    }
}
