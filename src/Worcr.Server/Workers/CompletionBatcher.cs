using System.Threading.Channels;
using Worcr.Core.Jobs;

namespace Worcr.Server.Workers;

/// <summary>
/// Groups job completions into one statement: while one batch commits, the next one gathers. With durable
/// commits (fsync on) this is what lets a node complete more jobs per second than it has commits per second.
/// A batch that fails to commit (PostgreSQL restarting, a lost connection) is retried with backoff, keeping the
/// workers' results, until it commits or the node stops (<see cref="StoreRetry"/>, the policy a worker's fail and
/// yield are stored under too). A stopping node still stores what its workers sent before the stop, the batch under
/// way included, for up to <see cref="StoreRetry.StopPatience"/>: a completion dropped there would run its finished
/// job again.
/// </summary>
internal sealed class CompletionBatcher
{
    private const int MaxBatch = 2000;
    private readonly Channel<(Completion Completion, TaskCompletionSource<bool> Done)> _queue =
        Channel.CreateUnbounded<(Completion, TaskCompletionSource<bool>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<Completion>, CancellationToken, Task<IReadOnlyList<bool>>> _store;
    private readonly Func<IReadOnlyList<Completion>, CancellationToken, Task<IReadOnlyList<bool>>>? _wereStored;
    private readonly StoreRetry _retry;

    /// <param name="store">Stores a batch; per completion, whether its attempt was still running (<see cref="IJobLifecycleStore.CompleteAsync"/>).</param>
    /// <param name="retry">How a batch that failed is tried again, and for how long once the node stops; the node's stop starts its patience (only the first call counts), this loop's stop does not restart it.</param>
    /// <param name="wereStored">
    /// Per completion, whether history holds it as completed by its attempt and holder (<see cref="IJobLifecycleStore.WereCompletedAsync"/>):
    /// asked about those a retried batch refused. Without it, such refusals stand.
    /// </param>
    public CompletionBatcher(Func<IReadOnlyList<Completion>, CancellationToken, Task<IReadOnlyList<bool>>> store, StoreRetry? retry = null,
        Func<IReadOnlyList<Completion>, CancellationToken, Task<IReadOnlyList<bool>>>? wereStored = null)
    {
        _store = store;
        _retry = retry ?? new StoreRetry();
        _wereStored = wereStored;
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
        // Storing goes on past the stop, up to the patience: only the wait for new completions ends with it.
        var giveUp = _retry.GiveUp;
        await using var stopping = stoppingToken.Register(_retry.NodeStopping);
        var batch = new List<(Completion Completion, TaskCompletionSource<bool> Done)>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await FlushNextAsync(batch, giveUp);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        _queue.Writer.TryComplete();
        try
        {
            // What the workers sent before the stop.
            while (await FlushNextAsync(batch, giveUp))
            {
            }
        }
        catch (OperationCanceledException) when (giveUp.IsCancellationRequested)
        {
        }
        var stopped = new OperationCanceledException("The node stopped before the completion was stored.");
        foreach (var item in batch) item.Done.TrySetException(stopped);
        while (_queue.Reader.TryRead(out var left)) left.Done.TrySetException(stopped);
    }

    /// <summary>Stores the next batch of what is queued; false when nothing was.</summary>
    private async Task<bool> FlushNextAsync(List<(Completion Completion, TaskCompletionSource<bool> Done)> batch, CancellationToken giveUp)
    {
        while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
        if (batch.Count == 0) return false;
        await FlushAsync(batch, giveUp);
        batch.Clear();
        return true;
    }

    /// <summary>
    /// A batch that failed may have committed all the same: the connection can break after the statement reached
    /// PostgreSQL and before its answer came back. Its retry then finds those attempts ended, by that very batch,
    /// and would tell their workers their completions were refused although they are stored. So after a failed try,
    /// each refused completion is looked up in history, and the ones found there completed by their attempt and holder
    /// are accepted. A refusal on a first try (a genuinely stale attempt) is left as it is.
    /// </summary>
    private async Task<IReadOnlyList<bool>> RecheckRefusedAsync(List<Completion> completions, IReadOnlyList<bool> accepted, CancellationToken giveUp)
    {
        if (_wereStored is null || accepted.All(a => a)) return accepted;
        var refused = Enumerable.Range(0, completions.Count).Where(i => !accepted[i]).ToList();
        var stored = await _wereStored(refused.Select(i => completions[i]).ToList(), giveUp);
        var answers = accepted.ToArray();
        for (var r = 0; r < refused.Count; r++) answers[refused[r]] = stored[r];
        return answers;
    }

    private async Task FlushAsync(List<(Completion Completion, TaskCompletionSource<bool> Done)> batch, CancellationToken giveUp)
    {
        var completions = batch.Select(b => b.Completion).ToList();
        for (var failures = 1; ; failures++)
        {
            try
            {
                var accepted = await _store(completions, giveUp);
                if (failures > 1) accepted = await RecheckRefusedAsync(completions, accepted, giveUp);
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
                foreach (var item in batch) await FlushAsync([item], giveUp);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !giveUp.IsCancellationRequested)
            {
                CommitFailed?.Invoke(exception, failures);
                await _retry.PauseAsync(failures);
            }
        }
    }
}
