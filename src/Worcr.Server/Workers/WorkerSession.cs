using System.Threading.Channels;
using Google.Protobuf;
using Worcr.Core.Dispatch;
using Worcr.Core.Jobs;
using Worcr.Core.Workers;
using Worcr.Postgres;
using Worcr.Protocol.V1;

namespace Worcr.Server.Workers;

/// <summary>
/// One worker stream as the node sees it: its profile, the credits it granted, the attempts it was given, and a
/// queue of outgoing messages. The dispatch loop never writes to the network itself: a slow worker only slows its
/// own queue's pump, never the loop. The queue is bounded in bytes (<see cref="WorkerLimits.MaxOutgoingBytes"/>): a
/// worker that stops reading gets no more jobs, and is cut off if it keeps asking for answers meanwhile.
/// </summary>
internal sealed partial class WorkerSession
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, HeldJob> _running = new();
    // Each message with its size, computed once (protobuf does not cache it).
    private readonly Channel<(DispatcherMessage Message, int Size)> _outgoing = Channel.CreateUnbounded<(DispatcherMessage, int)>(
        new UnboundedChannelOptions { SingleReader = false });
    private readonly CancellationTokenSource _cutOff = new();
    private long _queuedBytes;
    private int _credits;
    private int _finishing;
    private bool _accepting = true;
    private volatile bool _draining;

    /// <param name="initialCredits">The first credits: capacity less Hello.withheld_credits (capacity when null).</param>
    public WorkerSession(WorkerProfile profile, int capacity, ReportBudget reportBudget, string nodeId, bool batches = false, TimeProvider? time = null,
        int? initialCredits = null)
    {
        Batches = batches;
        _time = time ?? TimeProvider.System;
        Profile = profile;
        _credits = Math.Clamp(initialCredits ?? capacity, 0, capacity);
        Capacity = capacity;
        ReportBudget = reportBudget;
        Holder = new LeaseHolder(profile.WorkerId, nodeId);
    }

    /// <summary>The worker asked for several messages in one (Hello.batches): the pump may send a DispatcherBatch.</summary>
    public bool Batches { get; }

    /// <summary>Paces the worker's progress and log messages (used by its read loop only).</summary>
    public ReportBudget ReportBudget { get; }

    /// <summary>
    /// The capacity the worker announced in Hello: the most jobs it ever holds at once, and its first credits unless
    /// it withheld some (Hello.withheld_credits).
    /// </summary>
    public int Capacity { get; }

    /// <summary>This stream, unique among all streams of all nodes (the worker id is reused by a reconnecting worker).</summary>
    public string StreamId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The lease holder the jobs of this stream are claimed for, and that its reports are fenced by.</summary>
    public LeaseHolder Holder { get; }

    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>True once the node told the worker to drain (an operator's request or the node stopping).</summary>
    public bool IsDraining => _draining;

    public WorkerProfile Profile { get; }

    /// <summary>Outcomes and checkpoints being stored, and the reports queued behind them: what the stream's end waits for.</summary>
    public InflightWrites Inflight { get; } = new();

    /// <summary>The checkpoints being stored, one per job at most, and the job's reports that keep their order behind them.</summary>
    public CheckpointWrites Checkpoints { get; } = new();

    public string WorkerId => Profile.WorkerId;

    /// <summary>Cancelled when the worker let its outgoing queue pass its bound: the stream ends with RESOURCE_EXHAUSTED.</summary>
    public CancellationToken CutOff => _cutOff.Token;

    /// <summary>
    /// Jobs the node may send now: the credits granted, at most the room left under the capacity, none once the
    /// worker said Goodbye or was drained, and none while it leaves half its outgoing queue's bound unread. A job whose
    /// outcome the worker sent takes no room (<see cref="OutcomeSent"/>), though the node holds it until that is stored.
    /// </summary>
    public int AvailableCredits
    {
        get
        {
            lock (_lock)
            {
                if (!_accepting || _queuedBytes > WorkerLimits.MaxOutgoingBytes / 2) return 0;
                return Math.Max(0, Math.Min(_credits, Capacity - RunningOnWorkerLocked));
            }
        }
    }

    public int RunningCount
    {
        get
        {
            lock (_lock) return _running.Count;
        }
    }

    /// <summary>More credits; never more than the capacity announced in Hello, whatever the worker grants.</summary>
    public void AddCredits(int n)
    {
        if (n <= 0) return;
        lock (_lock) _credits = (int)Math.Min((long)_credits + n, Capacity);
    }

    /// <summary>No more jobs for this worker (Goodbye, drain, or the stream ended).</summary>
    public void StopAccepting()
    {
        lock (_lock) _accepting = false;
    }

    /// <summary>Sends no more jobs and asks the worker to finish or yield what it runs, then reconnect.</summary>
    public void Drain(Drain drain)
    {
        StopAccepting();
        _draining = true;
        Send(new DispatcherMessage { Drain = drain });
    }

    /// <summary>The jobs the worker holds right now (a copy, for the running gauge).</summary>
    public ClaimedJob[] RunningJobs()
    {
        lock (_lock) return _running.Values.Select(h => h.Job).ToArray();
    }

    /// <summary>Ids of the jobs the worker holds right now.</summary>
    public IReadOnlyList<long> RunningJobIds()
    {
        lock (_lock) return _running.Keys.ToArray();
    }

    /// <summary>The attempts this stream holds right now: what its end releases.</summary>
    public IReadOnlyList<(long JobId, int Attempt)> HeldAttempts()
    {
        lock (_lock) return _running.Values.Select(h => (h.Job.Id, h.Job.Attempt)).ToArray();
    }

    /// <summary>Hands a claimed job to the worker; false when it can no longer take it (the caller puts it back).</summary>
    public bool TryAssign(ClaimedJob job, DispatcherMessage assign)
    {
        var size = assign.CalculateSize();
        lock (_lock)
        {
            if (!_accepting || _credits <= 0 || RunningOnWorkerLocked >= Capacity) return false;
            if (!_outgoing.Writer.TryWrite((assign, size))) return false;
            _queuedBytes += size;
            _credits--;
            // A job yielded back and claimed again may replace its own earlier attempt, whose outcome is being stored.
            if (_running.TryGetValue(job.Id, out var earlier) && earlier.OutcomeSent) _finishing--;
            _running[job.Id] = new HeldJob(job) { LeaseCountedFrom = _time.GetTimestamp() };
            return true;
        }
    }

    /// <summary>True when this stream holds this attempt of the job.</summary>
    public bool Holds(long jobId, int attempt)
    {
        lock (_lock) return HeldJob(jobId, attempt) is not null;
    }

    /// <summary>The job as it was claimed, while this stream holds that attempt (rules need its facts).</summary>
    public ClaimedJob? Held(long jobId, int attempt)
    {
        lock (_lock) return HeldJob(jobId, attempt)?.Job;
    }

    /// <summary>Whether a progress report on the attempt may be stored: held here, and the counter known or one more fits.</summary>
    public ReportAdmission AdmitProgress(long jobId, int attempt, string counter)
    {
        lock (_lock)
        {
            if (HeldJob(jobId, attempt) is not { } held) return ReportAdmission.NotHeld;
            return held.AdmitCounter(counter) ? ReportAdmission.Admitted : ReportAdmission.OverBound;
        }
    }

    /// <summary>
    /// Whether a checkpoint on the attempt may be stored: held here, its outcome not sent yet (a checkpoint after it
    /// would wait on the read loop for the outcome's store, through a whole outage), and the name known or one more fits.
    /// </summary>
    public ReportAdmission AdmitCheckpoint(long jobId, int attempt, string name)
    {
        lock (_lock)
        {
            if (HeldJob(jobId, attempt) is not { OutcomeSent: false } held) return ReportAdmission.NotHeld;
            return held.AdmitCheckpoint(name) ? ReportAdmission.Admitted : ReportAdmission.OverBound;
        }
    }

    /// <summary>
    /// The worker sent the attempt's outcome, so it no longer runs it: its slot is free for the next job at once,
    /// while the outcome is being stored (the claim of the next job overlaps that commit instead of following it).
    /// The attempt stays held until <see cref="Finished"/>, so the stream's end still releases it if the store fails.
    /// </summary>
    /// <returns>False when the stream does not hold the attempt (any more) or its outcome was sent already.</returns>
    public bool OutcomeSent(long jobId, int attempt)
    {
        lock (_lock)
        {
            if (HeldJob(jobId, attempt) is not { OutcomeSent: false } held) return false;
            held.OutcomeSent = true;
            _finishing++;
            return true;
        }
    }

    /// <summary>The stream no longer holds the attempt; false when it did not hold it (any more).</summary>
    public bool Finished(long jobId, int attempt)
    {
        lock (_lock)
        {
            if (HeldJob(jobId, attempt) is not { } held) return false;
            if (held.OutcomeSent) _finishing--;
            _running.Remove(jobId);
            return true;
        }
    }

    /// <summary>Attempts the worker is still running: those held, less those whose outcome it sent.</summary>
    private int RunningOnWorkerLocked => _running.Count - _finishing;

    /// <summary>Queues a message; false when the stream is closing, or when the queue passed its bound (then the stream is cut off).</summary>
    public bool Send(DispatcherMessage message)
    {
        var size = message.CalculateSize();
        lock (_lock)
        {
            if (_queuedBytes + size <= WorkerLimits.MaxOutgoingBytes)
            {
                if (!_outgoing.Writer.TryWrite((message, size))) return false;
                _queuedBytes += size;
                return true;
            }
            DropQueueLocked();
        }
        // Outside the lock: the stream's read loop wakes on it.
        _cutOff.Cancel();
        return false;
    }

    /// <summary>
    /// The next message to write and its size (for the pump only); null once the queue ended. RoomMade is true when
    /// taking it brought the queue back under the bound at which jobs are held back.
    /// </summary>
    public async ValueTask<(DispatcherMessage? Message, int Size, bool RoomMade)> NextOutgoingAsync(CancellationToken cancellationToken)
    {
        while (await _outgoing.Reader.WaitToReadAsync(cancellationToken))
        {
            if (!_outgoing.Reader.TryRead(out var queued)) continue;
            return (queued.Message, queued.Size, Dequeued(queued.Size));
        }
        return (null, 0, false);
    }

    /// <summary>
    /// The next message if one is queued already (for the pump only, to write several at once); <paramref name="roomMade"/>
    /// as RoomMade in <see cref="NextOutgoingAsync"/>.
    /// </summary>
    public bool TryNextOutgoing(out DispatcherMessage message, out int size, out bool roomMade)
    {
        if (!_outgoing.Reader.TryRead(out var queued))
        {
            (message, size, roomMade) = (null!, 0, false);
            return false;
        }
        (message, size) = queued;
        roomMade = Dequeued(size);
        return true;
    }

    private bool Dequeued(int size)
    {
        lock (_lock)
        {
            var wasFull = _queuedBytes > WorkerLimits.MaxOutgoingBytes / 2;
            _queuedBytes -= size;
            return wasFull && _queuedBytes <= WorkerLimits.MaxOutgoingBytes / 2;
        }
    }

    /// <summary>Ends the outgoing queue; the pump finishes what is queued and stops.</summary>
    public void Close()
    {
        StopAccepting();
        _outgoing.Writer.TryComplete();
    }

    private HeldJob? HeldJob(long jobId, int attempt) =>
        _running.TryGetValue(jobId, out var held) && held.Job.Attempt == attempt ? held : null;

    // What is queued is dropped at once: the worker is not reading it, and holding it is the memory the bound protects.
    private void DropQueueLocked()
    {
        _accepting = false;
        _outgoing.Writer.TryComplete();
        while (_outgoing.Reader.TryRead(out _))
        {
        }
        _queuedBytes = 0;
    }
}
