namespace Worcr.Server.JobTypes;

/// <summary>
/// Every job type's settings, read from PostgreSQL at most once per <see cref="Ttl"/>. Enqueue and fail read
/// them for every job, so they come from memory; a change saved on this node applies at once (it invalidates),
/// on the other nodes within the TTL. The table is small (one row per type), so a reload reads it whole.
/// </summary>
internal sealed class JobTypeSettingsCache
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);
    private readonly JobTypeSettingsTable _table;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Snapshot? _snapshot;
    private Task<Snapshot>? _loading;
    private int _generation;

    public JobTypeSettingsCache(JobTypeSettingsTable table, TimeProvider time)
    {
        _table = table;
        _time = time;
    }

    public async ValueTask<JobTypeSettings> GetAsync(string type, CancellationToken cancellationToken)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is null || _time.GetUtcNow() - snapshot.LoadedAt >= Ttl) snapshot = await ReloadAsync(cancellationToken);
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
        var loadedAt = _time.GetUtcNow();
        var rows = await _table.ReadAllAsync(CancellationToken.None);
        var snapshot = new Snapshot(loadedAt, rows.ToDictionary(r => r.Name, r => r.Settings, StringComparer.Ordinal));
        lock (_gate)
        {
            if (generation == _generation) Volatile.Write(ref _snapshot, snapshot);
        }
        return snapshot;
    }

    private sealed record Snapshot(DateTimeOffset LoadedAt, IReadOnlyDictionary<string, JobTypeSettings> Settings);
}
