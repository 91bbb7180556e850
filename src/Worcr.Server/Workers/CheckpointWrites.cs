namespace Worcr.Server.Workers;

/// <summary>
/// The checkpoints a worker stream is storing, at most one per job, and the job's reports read after each. A checkpoint
/// is stored off the stream's read loop: one PostgreSQL is slow to take (a network partition holds its write until
/// Npgsql's command timeout) must not hold what the worker sent after it on the stream, for its job or any other
/// (within the bounds of <see cref="ThenAsync(long, int, Action, Action{Exception}, CancellationToken)"/>).
/// The job's own later reports keep their order behind it instead: its progress and log lines are handed on (and
/// their events published) after the checkpoint's, its next checkpoint is written after it, and its outcome is stored
/// after it (a completion stored first would make the checkpoint's fenced write refused; a retryable failure stored
/// first would start the next attempt without it). At most <see cref="MaxWritesInFlight"/> of a stream's writes run at once; the rest
/// wait for a slot off the read loop.
/// </summary>
internal sealed class CheckpointWrites
{
    /// <summary>
    /// Reports of one job the stream queues behind its checkpoint or outcome; past this, the job's next report waits
    /// or is refused (<see cref="ThenAsync(long, int, Action, Action{Exception}, CancellationToken)"/>). Each is kept
    /// cut to what is stored (<see cref="QueuedReports"/>), so a job's queue holds at most 256 lines of 8,192
    /// characters (4 MiB as .NET strings), however large the messages were.
    /// </summary>
    public const int MaxQueuedPerJob = 256;

    /// <summary>
    /// Encoded bytes of the reports one stream queues, over all its jobs (a worker may hold 10,000): past this, a report
    /// behind an outcome is refused. About twice as much as .NET strings: the size of the outgoing queue, 16 MiB.
    /// </summary>
    public const long MaxQueuedBytes = 8L * 1024 * 1024;

    /// <summary>
    /// Checkpoint writes one stream has in flight at most; past this, its read loop waits for one to end. A worker
    /// holding thousands of jobs must not take as many of the node's PostgreSQL connections at once: claims and
    /// completions for every other worker wait for the same pool.
    /// </summary>
    public const int MaxWritesInFlight = 4;

    private readonly SemaphoreSlim _writeSlots = new(MaxWritesInFlight, MaxWritesInFlight);
    private readonly Lock _lock = new();
    // Jobs with a checkpoint in flight: the last thing queued for the job (the write, or a report behind it).
    private readonly Dictionary<long, Queue> _queues = new();
    private long _queuedBytes;

    /// <summary>
    /// Starts storing the job's checkpoint with <paramref name="write"/> (which must not fault) once what is queued for
    /// the job has run; the read loop waits for that, so a job has one checkpoint write at a time.
    /// </summary>
    public async Task<Task> StartAsync(long jobId, Func<Task> write, CancellationToken cancellationToken)
    {
        await DrainAsync(jobId, cancellationToken);
        var started = WriteInSlotAsync(write, cancellationToken);
        Append(jobId, started, counts: false, outcome: false);
        return started;
    }

    /// <summary>
    /// Runs the write once one of the stream's <see cref="MaxWritesInFlight"/> slots is free. It waits off the read
    /// loop: a loop waiting for a slot would hold the stream's heartbeats while four writes wait out a partition, and
    /// the leases of every job on it would lapse. The writes waiting are bounded anyway, one per job the stream holds.
    /// </summary>
    private async Task WriteInSlotAsync(Func<Task> write, CancellationToken cancellationToken)
    {
        try
        {
            await _writeSlots.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return; // The stream ended before a slot was free: nobody is left to answer.
        }
        try
        {
            await write();
        }
        finally
        {
            _writeSlots.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="report"/> now, or after the job's checkpoint in flight and what is queued behind it. Run
    /// later, a report that throws is passed to <paramref name="failed"/> (on the read loop it would have ended the stream).
    /// A report behind the job's outcome (sent after it) is refused past <see cref="MaxQueuedPerJob"/> reports of the job
    /// or <see cref="MaxQueuedBytes"/> on the stream: the outcome is retried as long as PostgreSQL is out of reach, and
    /// the read loop waiting for it would leave the stream's other jobs' outcomes and heartbeats unread. A report
    /// behind a checkpoint only waits on the read loop past <see cref="MaxQueuedPerJob"/> of the job's, for that
    /// checkpoint's store (as long as it takes: a command timeout in a partition, more while other checkpoints hold the
    /// stream's write slots), so a worker that sends reports without a request id (the .NET SDK) loses none: HTTP/2
    /// flow control slows it meanwhile. The checks read the job's queue once: only the stream's read loop appends to it.
    /// </summary>
    /// <param name="bytes">The queued report's encoded size (<see cref="QueuedBytes"/>).</param>
    /// <returns>
    /// Null when the report was refused (behind an outcome, past a bound); otherwise when it has run (completed already
    /// when it ran now; it never faults): the stream's end waits for it, as for the checkpoint or outcome it waits
    /// behind, so the report is handed on before the node stops its writers.
    /// </returns>
    public async ValueTask<Task?> ThenAsync(long jobId, int bytes, Action report, Action<Exception> failed, CancellationToken cancellationToken)
    {
        var tail = Tail(jobId);
        if (!tail.IsCompleted && QueueOf(jobId) is var (queued, behindOutcome))
        {
            if (behindOutcome && (queued >= MaxQueuedPerJob || QueuedBytes + bytes > MaxQueuedBytes)) return null;
            if (queued >= MaxQueuedPerJob)
            {
                await DrainAsync(jobId, cancellationToken);
                tail = Tail(jobId);
            }
        }
        if (tail.IsCompleted)
        {
            report();
            return Task.CompletedTask;
        }
        Interlocked.Add(ref _queuedBytes, bytes);
        var handed = tail.ContinueWith(_ =>
        {
            try
            {
                report();
            }
            catch (Exception exception)
            {
                failed(exception);
            }
            finally
            {
                Interlocked.Add(ref _queuedBytes, -bytes);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Append(jobId, handed, counts: true, outcome: false);
        return handed;
    }

    /// <summary>Bytes of the reports waiting behind checkpoints and outcomes on this stream, as they were queued.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Runs <paramref name="store"/> (the job's outcome) now, or after its checkpoint and what is queued behind it.</summary>
    public Task<T> ThenAsync<T>(long jobId, Func<Task<T>> store)
    {
        var tail = Tail(jobId);
        if (tail.IsCompleted) return store();
        var stored = AfterAsync(tail, store);
        Append(jobId, stored, counts: false, outcome: true);
        return stored;
    }

    private static async Task<T> AfterAsync<T>(Task tail, Func<Task<T>> store)
    {
        await tail.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return await store();
    }

    private async Task DrainAsync(long jobId, CancellationToken cancellationToken)
    {
        // What failed in the queue was answered (or logged) where it failed; only the stream's end stops the wait.
        await Tail(jobId).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private Task Tail(long jobId)
    {
        lock (_lock) return _queues.TryGetValue(jobId, out var queue) ? queue.Tail : Task.CompletedTask;
    }

    /// <summary>The job's reports queued since its queue was last empty, and whether its outcome is in the queue; read together.</summary>
    private (int Queued, bool BehindOutcome) QueueOf(long jobId)
    {
        lock (_lock) return _queues.TryGetValue(jobId, out var queue) && !queue.Tail.IsCompleted ? (queue.Queued, queue.Outcome) : (0, false);
    }

    private void Append(long jobId, Task tail, bool counts, bool outcome)
    {
        lock (_lock)
        {
            var waiting = _queues.TryGetValue(jobId, out var queue) && !queue.Tail.IsCompleted ? queue : new Queue(Task.CompletedTask, 0, false);
            _queues[jobId] = new Queue(tail, counts ? waiting.Queued + 1 : waiting.Queued, waiting.Outcome || outcome);
        }
        tail.ContinueWith(done =>
        {
            lock (_lock)
            {
                if (_queues.TryGetValue(jobId, out var current) && current.Tail == done) _queues.Remove(jobId);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <param name="Queued">Reports queued since the job's queue was last empty.</param>
    /// <param name="Outcome">Whether the job's outcome is in the queue.</param>
    private sealed record Queue(Task Tail, int Queued, bool Outcome);
}
