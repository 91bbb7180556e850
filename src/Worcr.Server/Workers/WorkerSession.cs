using System.Threading.Channels;
using Worcr.Core.Dispatch;
using Worcr.Core.Workers;
using Worcr.Postgres;
using Worcr.Protocol.V1;

namespace Worcr.Server.Workers;

/// <summary>
/// One connected worker as the node sees it: its profile, the credits it granted, the jobs it holds, and a
/// queue of outgoing messages. The dispatch loop never writes to the network itself: a slow worker only
/// slows its own queue's pump, never the loop.
/// </summary>
internal sealed class WorkerSession
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, ClaimedJob> _running = new();
    private readonly Channel<DispatcherMessage> _outgoing = Channel.CreateUnbounded<DispatcherMessage>(
        new UnboundedChannelOptions { SingleReader = true });
    private int _credits;
    private bool _accepting = true;
    private volatile bool _draining;

    public WorkerSession(WorkerProfile profile, int initialCredits, ReportBudget reportBudget)
    {
        Profile = profile;
        _credits = initialCredits;
        Capacity = initialCredits;
        ReportBudget = reportBudget;
    }

    /// <summary>Paces the worker's progress and log messages (used by its read loop only).</summary>
    public ReportBudget ReportBudget { get; }

    /// <summary>The capacity the worker announced in Hello (its first credits).</summary>
    public int Capacity { get; }

    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>True once the node told the worker to drain (an operator's request or the node stopping).</summary>
    public bool IsDraining => _draining;

    public WorkerProfile Profile { get; }

    /// <summary>Completions sent to the batcher whose outcome is not known yet.</summary>
    public InflightWrites Inflight { get; } = new();

    public string WorkerId => Profile.WorkerId;

    public ChannelReader<DispatcherMessage> Outgoing => _outgoing.Reader;

    /// <summary>Jobs the node may still send: granted credits, zero once the worker said Goodbye or was drained.</summary>
    public int AvailableCredits
    {
        get
        {
            lock (_lock) return _accepting ? _credits : 0;
        }
    }

    public int RunningCount
    {
        get
        {
            lock (_lock) return _running.Count;
        }
    }

    public void AddCredits(int n)
    {
        lock (_lock) _credits = checked(_credits + n);
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
        lock (_lock) return _running.Values.ToArray();
    }

    /// <summary>Ids of the jobs the worker holds right now.</summary>
    public IReadOnlyList<long> RunningJobIds()
    {
        lock (_lock) return _running.Keys.ToArray();
    }

    /// <summary>Hands a claimed job to the worker; false when it can no longer take it (the caller puts it back).</summary>
    public bool TryAssign(ClaimedJob job, DispatcherMessage assign)
    {
        lock (_lock)
        {
            if (!_accepting || _credits <= 0) return false;
            if (!_outgoing.Writer.TryWrite(assign)) return false;
            _credits--;
            _running[job.Id] = job;
            return true;
        }
    }

    /// <summary>True when the worker holds this attempt of the job.</summary>
    public bool Holds(long jobId, int attempt)
    {
        lock (_lock) return _running.TryGetValue(jobId, out var held) && held.Attempt == attempt;
    }

    /// <summary>The job as it was claimed, while this worker holds that attempt (rules need its facts).</summary>
    public ClaimedJob? Held(long jobId, int attempt)
    {
        lock (_lock) return _running.TryGetValue(jobId, out var held) && held.Attempt == attempt ? held : null;
    }

    public void Finished(long jobId, int attempt)
    {
        lock (_lock)
        {
            if (_running.TryGetValue(jobId, out var held) && held.Attempt == attempt) _running.Remove(jobId);
        }
    }

    public bool Send(DispatcherMessage message) => _outgoing.Writer.TryWrite(message);

    /// <summary>Ends the outgoing queue; the pump finishes what is queued and stops.</summary>
    public void Close()
    {
        StopAccepting();
        _outgoing.Writer.TryComplete();
    }
}
