using System.Collections.Concurrent;
using Worcr.Postgres;

namespace Worcr.Server.Identity;

/// <summary>
/// Tenant key lookups for the enqueue path, remembered for <see cref="Freshness"/>: a key revoked on any node
/// stops working here within that time (at once on the node that revoked it, which calls <see cref="Forget"/>).
/// Unknown keys are remembered too, so guessing costs no database round trip per try; they are kept apart from
/// known keys and bounded, so a flood of made-up keys neither grows memory nor pushes real keys out.
/// </summary>
internal sealed class TenantKeyCache
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);
    public const int MaxUnknownKeys = 10_000;
    private const int MaxKnownKeys = 10_000;
    private readonly TenantKeyStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Entry> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unknown = new(StringComparer.Ordinal);

    public TenantKeyCache(TenantKeyStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>Unknown keys remembered now (at most <see cref="MaxUnknownKeys"/>).</summary>
    public int UnknownCount => _unknown.Count;

    /// <summary>The tenant of a key, or null for an unknown or revoked one.</summary>
    public async ValueTask<string?> TenantOfAsync(string key, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_known.TryGetValue(key, out var entry) && entry.ValidUntil > now) return entry.Tenant;
        if (_unknown.TryGetValue(key, out var unknownUntil) && unknownUntil > now) return null;
        var tenant = await _store.FindTenantAsync(key, cancellationToken);
        if (tenant is null)
        {
            // Starting over costs one lookup per key; it keeps a flood of guesses from growing memory.
            if (_unknown.Count >= MaxUnknownKeys) _unknown.Clear();
            _unknown[key] = now + Freshness;
            _known.TryRemove(key, out _);
            return null;
        }
        if (_known.Count >= MaxKnownKeys) _known.Clear();
        _known[key] = new Entry(tenant, now + Freshness);
        _unknown.TryRemove(key, out _);
        return tenant;
    }

    public void Forget()
    {
        _known.Clear();
        _unknown.Clear();
    }

    private sealed record Entry(string Tenant, DateTimeOffset ValidUntil);
}
