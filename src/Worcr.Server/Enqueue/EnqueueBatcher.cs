using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Npgsql;
using Worcr.Core.Errors;
using Worcr.Core.Jobs;

namespace Worcr.Server.Enqueue;

/// <summary>
/// Group commit for single Enqueue calls. Calls that arrive while earlier batches are being stored share one
/// statement, one NOTIFY and one commit (one fsync); each call is answered when its batch is durable. At most
/// <see cref="MaxConcurrentFlushes"/> batches are stored at once, so producers never hold more than that many
/// pooled connections and claims, completions and lease renewals always find one. An idle node stores a lone call
/// at once, on the caller's own flow (no hand-over to the loop, so no thread switch either way): batching adds no
/// wait, only calls that would otherwise queue for a connection share a commit.
/// Every call keeps its own semantics (unique keys and windows, rules, expiry are in the job or the store), and
/// its own outcome: when PostgreSQL refuses a batch, each call in it is stored alone, so one bad job fails only
/// its own call.
/// </summary>
internal sealed class EnqueueBatcher
{
    public const int MaxBatch = 1000;
    public const int MaxConcurrentFlushes = 4;
    // Not SingleReader: that channel cannot count its items, and a lone call needs to know nothing is queued.
    private readonly Channel<PendingEnqueue> _queue = Channel.CreateUnbounded<PendingEnqueue>();
    private readonly SemaphoreSlim _flushSlots = new(MaxConcurrentFlushes, MaxConcurrentFlushes);
    private readonly IJobLifecycleStore _store;
    private readonly ILogger _logger;
    // Lone calls store themselves only while the loop runs: before it starts, calls queue and are taken together.
    private volatile bool _running;

    public EnqueueBatcher(IJobLifecycleStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
    }

    /// <summary>Completes when the job is durable (or found a duplicate), with the same result a one-job batch gives.</summary>
    public Task<EnqueuedJob> EnqueueAsync(NewJob job, CancellationToken callCancelled)
    {
        // Nothing queued and no batch being stored: this call would be a batch of one at once, so it stores itself.
        if (_running && _queue.Reader.Count == 0 && _flushSlots.CurrentCount == MaxConcurrentFlushes && _flushSlots.Wait(0)) return StoreAloneAsync(job);
        var pending = new PendingEnqueue(job, callCancelled);
        if (!_queue.Writer.TryWrite(pending)) pending.Done.SetException(WorcrError.Unavailable("The node is shutting down."));
        return pending.Done.Task;
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var flushes = new List<Task>();
        _running = true;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await _flushSlots.WaitAsync(stoppingToken);
                var batch = TakeBatch();
                if (batch.Count == 0)
                {
                    _flushSlots.Release();
                    continue;
                }
                flushes.RemoveAll(flush => flush.IsCompleted);
                flushes.Add(FlushAndReleaseAsync(batch));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Calls already accepted are still stored: PostgreSQL outlives the node's stop.
        _running = false;
        _queue.Writer.TryComplete();
        for (var rest = TakeBatch(); rest.Count > 0; rest = TakeBatch()) await FlushAsync(rest);
        await Task.WhenAll(flushes);
        // Lone calls storing themselves hold a slot each: the stop ends when they are stored too.
        for (var slot = 0; slot < MaxConcurrentFlushes; slot++) await _flushSlots.WaitAsync(CancellationToken.None);
    }

    /// <summary>A lone call, holding a flush slot: stored with the same result and errors a batch of one gets.</summary>
    private async Task<EnqueuedJob> StoreAloneAsync(NewJob job)
    {
        try
        {
            return (await _store.EnqueueAsync([job], CancellationToken.None))[0];
        }
        finally
        {
            _flushSlots.Release();
        }
    }

    /// <summary>
    /// Up to <see cref="MaxBatch"/> queued calls in arrival order (the first of two jobs with one key wins it), callers
    /// that gave up left out. The store inserts jobs with unique keys in key order, so two batches cannot deadlock.
    /// </summary>
    private List<PendingEnqueue> TakeBatch()
    {
        var batch = new List<PendingEnqueue>();
        while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending))
        {
            if (pending.CallCancelled.IsCancellationRequested) pending.Done.TrySetCanceled(pending.CallCancelled);
            else batch.Add(pending);
        }
        return batch;
    }

    private async Task FlushAndReleaseAsync(List<PendingEnqueue> batch)
    {
        try
        {
            await FlushAsync(batch);
        }
        finally
        {
            _flushSlots.Release();
        }
    }

    // A batch once started is finished even when the node stops, so every caller learns what happened to its job.
    private async Task FlushAsync(List<PendingEnqueue> batch)
    {
        try
        {
            var results = await _store.EnqueueAsync(batch.Select(p => p.Job).ToList(), CancellationToken.None);
            for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
        }
        catch (Exception exception) when (batch.Count > 1 && StoredNothing(exception))
        {
            EnqueueLog.BatchSplit(_logger, batch.Count, exception);
            foreach (var pending in batch) await FlushAsync([pending]);
        }
        catch (Exception exception)
        {
            foreach (var pending in batch) pending.Done.TrySetException(exception);
        }
    }

    /// <summary>
    /// Errors after which nothing of the batch was stored, so storing each call alone cannot duplicate a job: the
    /// server refused the statement (its transaction rolled back), or the store refused the input before any job was
    /// written (a WorcrError such as a tenant's lane cap: the other callers' jobs must not fail with it).
    /// A lost connection is not one of them: the commit may have happened, so those calls fail as they would alone.
    /// </summary>
    private static bool StoredNothing(Exception exception) => exception is PostgresException or ArgumentException or Core.Errors.WorcrError;
}
