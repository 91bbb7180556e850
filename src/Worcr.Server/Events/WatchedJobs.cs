using Worcr.Protocol.V1;
using Worcr.Server.Transport;

namespace Worcr.Server.Events;

/// <summary>
/// What one watcher has told its caller so far, to keep each job's states in order. Events reach a node from
/// several nodes (enqueue here, claim there) and from catch-up reads of PostgreSQL, so a state change can arrive
/// after a newer one: it is recognised by its place in the job's life (attempt, then running before what ends
/// that run) and left out, as are repeats and anything after a job's final state.
/// </summary>
internal sealed class WatchedJobs
{
    // A tenant-wide watch remembers this many jobs; beyond it, it starts afresh (ordering then is best effort).
    private const int MaxRemembered = 100_000;
    private readonly Dictionary<string, (int Order, JobState State)> _last = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unfinished = new(StringComparer.Ordinal);
    private readonly bool _endsWhenAllFinal;

    public WatchedJobs(WatchFilter filter)
    {
        _endsWhenAllFinal = filter.HasJobIds;
        foreach (var id in filter.JobIds) _unfinished.Add(Transport.Messages.JobId(id));
    }

    /// <summary>Every watched job reached a final state (only when the watch named its jobs).</summary>
    public bool Done => _endsWhenAllFinal && _unfinished.Count == 0;

    /// <summary>Jobs whose state should be re-read after events were lost.</summary>
    public IReadOnlyCollection<long> Unfinished => _unfinished.Select(id => long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    /// <summary>True when the event should be sent; records state changes.</summary>
    public bool Accept(JobEvent jobEvent)
    {
        var known = _last.TryGetValue(jobEvent.JobId, out var last);
        if (known && JobEvents.IsFinal(last.State) && jobEvent.StateChanged is null) return false;
        if (jobEvent.StateChanged is not { } change) return true;
        var order = OrderOf(change);
        if (known && (order < last.Order || (order == last.Order && change.State == last.State))) return false;
        Remember(jobEvent.JobId, order, change.State);
        return true;
    }

    // A run starts with running (attempt n); whatever ends it (or precedes the next claim) carries the same n.
    private static int OrderOf(StateChanged change) => change.Attempt * 2 + (change.State == JobState.Running ? 0 : 1);

    private void Remember(string jobId, int order, JobState state)
    {
        if (!_endsWhenAllFinal && _last.Count >= MaxRemembered)
        {
            _last.Clear();
            _unfinished.Clear();
        }
        _last[jobId] = (order, state);
        if (JobEvents.IsFinal(state)) _unfinished.Remove(jobId);
        else if (!_endsWhenAllFinal) _unfinished.Add(jobId);
    }
}
