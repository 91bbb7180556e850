using System.Collections.Concurrent;
using Worcr.Postgres;

namespace Worcr.Server.Identity;

/// <summary>
/// Tenant key lookups for the enqueue path, remembered for <see cref="Freshness"/>: a key revoked on any node
/// stops working here within that time (at once on the node that revoked it, which calls <see cref="Forget"/>).
/// Unknown keys are remembered too, so guessing costs no database round trip per try.
/// </summary>
internal sealed class TenantKeyCache
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);
    private const int MaxEntries = 10_000;
    private readonly TenantKeyStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public TenantKeyCache(TenantKeyStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>The tenant of a key, or null for an unknown or revoked one.</summary>
    public async ValueTask<string?> TenantOfAsync(string key, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_entries.TryGetValue(key, out var entry) && entry.ValidUntil > now) return entry.Tenant;
        var tenant = await _store.FindTenantAsync(key, cancellationToken);
        // A flood of made-up keys must not grow the cache without bound; starting over costs one lookup per key.
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[key] = new Entry(tenant, now + Freshness);
        return tenant;
    }

    public void Forget() => _entries.Clear();

    private sealed record Entry(string? Tenant, DateTimeOffset ValidUntil);
}
