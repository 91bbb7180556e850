using Worcr.Core.Caching;

namespace Worcr.Server.JobTypes;

/// <summary>
/// Every job type's settings, read from PostgreSQL at most once per <see cref="Ttl"/>. Enqueue and fail read
/// them for every job, so they come from memory; a change saved on this node applies at once (it invalidates),
/// on the other nodes within the TTL. The table is small (one row per type), so a reload reads it whole.
/// The TTL is judged by both clocks (<see cref="AgeStamp"/>): a wall clock stepped back does not stretch it, nor
/// does a suspended host.
/// </summary>
internal sealed class JobTypeSettingsCache
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);
    private readonly Func<CancellationToken, Task<IReadOnlyList<JobTypeRow>>> _readAll;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Snapshot? _snapshot;
    private Task<Snapshot>? _loading;
    private int _generation;

    public JobTypeSettingsCache(JobTypeSettingsTable table, TimeProvider time)
        : this(table.ReadAllAsync, time)
    {
    }

    /// <param name="readAll">The read of the whole table; a test counts the reads.</param>
    /// <param name="time">The clock that ages what was read.</param>
    internal JobTypeSettingsCache(Func<CancellationToken, Task<IReadOnlyList<JobTypeRow>>> readAll, TimeProvider time)
    {
        _readAll = readAll;
        _time = time;
    }

    public async ValueTask<JobTypeSettings> GetAsync(string type, CancellationToken cancellationToken)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is null || !snapshot.LoadedAt.IsYoungerThan(Ttl, _time)) snapshot = await ReloadAsync(cancellationToken);
        return snapshot.Settings.GetValueOrDefault(type, JobTypeSettings.None);
    }

    /// <summary>Forgets what was read, so the next read sees a change this node just saved.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            // A read already under way may have started before the change: neither it nor its result may be reused.
            _generation++;
            _loading = null;
            Volatile.Write(ref _snapshot, null);
        }
    }

    /// <summary>One reload at a time: when the TTL passes under load, every caller awaits the same read.</summary>
    private Task<Snapshot> ReloadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // The shared read is not tied to the first caller's token: its cancel must not fail the others.
            if (_loading is null || _loading.IsCompleted) _loading = LoadAsync(_generation);
            return _loading.WaitAsync(cancellationToken);
        }
    }

    private async Task<Snapshot> LoadAsync(int generation)
    {
        var loadedAt = AgeStamp.Now(_time);
        var rows = await _readAll(CancellationToken.None);
        var snapshot = new Snapshot(loadedAt, rows.ToDictionary(r => r.Name, r => r.Settings, StringComparer.Ordinal));
        lock (_gate)
        {
            if (generation == _generation) Volatile.Write(ref _snapshot, snapshot);
        }
        return snapshot;
    }

    private sealed record Snapshot(AgeStamp LoadedAt, IReadOnlyDictionary<string, JobTypeSettings> Settings);
}
