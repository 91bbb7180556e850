using System.Collections.Concurrent;
using Worcr.Core.Caching;
using Worcr.Postgres;

namespace Worcr.Server.Identity;

/// <summary>
/// Tenant key lookups for the producer API, remembered for <see cref="Freshness"/>: a key revoked on any node
/// stops working here within that time (at once on the node that revoked it, which calls <see cref="Forget"/>).
/// An entry's age counts from before its lookup was sent and is judged by both clocks (<see cref="AgeStamp"/>), so
/// neither a wall clock stepped back nor a suspended host keeps a revoked key working past that time.
/// Unknown keys are remembered too, so guessing costs no database round trip per try; they are kept apart from
/// known keys and bounded, so a flood of made-up keys neither grows memory nor pushes real keys out.
/// <para>
/// Two things hold while lookups are in flight. A <see cref="Forget"/> is never undone: a lookup notes the generation
/// it started in, and an answer read before a Forget is neither stored nor used (its callers look again), so a lookup
/// that read a key just before its revocation cannot put it back, and no call that returns after the revocation is let
/// in by it. And one lookup per key is in flight at a time, shared by every caller that needs it: N open Watch calls
/// of one key cost one query each time the entry goes stale, not N.
/// </para>
/// </summary>
internal sealed class TenantKeyCache
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);
    public const int MaxUnknownKeys = 10_000;
    private const int MaxKnownKeys = 10_000;
    private readonly Func<string, CancellationToken, Task<string?>> _lookUp;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Entry> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AgeStamp> _unknown = new(StringComparer.Ordinal);
    // Guards the generation, the lookups in flight and every write to the two maps, so a Forget and the storing of
    // an answer happen one after the other. Reads of the maps take no lock.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TaskCompletionSource<Answer>> _inFlight = new(StringComparer.Ordinal);
    private long _generation;

    public TenantKeyCache(TenantKeyStore store, TimeProvider time)
        : this(store.FindTenantAsync, time)
    {
    }

    /// <param name="lookUp">The database lookup; a test holds it in flight to order it against a revocation.</param>
    /// <param name="time">The clock that ages the entries.</param>
    internal TenantKeyCache(Func<string, CancellationToken, Task<string?>> lookUp, TimeProvider time)
    {
        _lookUp = lookUp;
        _time = time;
    }

    /// <summary>Unknown keys remembered now (at most <see cref="MaxUnknownKeys"/>).</summary>
    public int UnknownCount => _unknown.Count;

    /// <summary>The tenant of a key, or null for an unknown or revoked one.</summary>
    public async ValueTask<string?> TenantOfAsync(string key, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(key, out var entry) && entry.ReadFrom.IsYoungerThan(Freshness, _time)) return entry.Tenant;
        if (_unknown.TryGetValue(key, out var unknownSince) && unknownSince.IsYoungerThan(Freshness, _time)) return null;
        while (true)
        {
            var answer = await SharedLookUp(key).WaitAsync(cancellationToken);
            // Read before a Forget: the key may have been revoked since, so its answer is not to be trusted.
            if (answer.Current) return answer.Tenant;
        }
    }

    /// <summary>Drops everything remembered, and makes the lookups in flight unable to store (or give) what they read.</summary>
    public void Forget()
    {
        lock (_gate)
        {
            _generation++;
            _inFlight.Clear();
            _known.Clear();
            _unknown.Clear();
        }
    }

    /// <summary>The lookup of this key started since the last <see cref="Forget"/> and still in flight, or a new one.</summary>
    private Task<Answer> SharedLookUp(string key)
    {
        TaskCompletionSource<Answer> flight;
        long generation;
        lock (_gate)
        {
            if (_inFlight.TryGetValue(key, out var running)) return running.Task;
            flight = new TaskCompletionSource<Answer>(TaskCreationOptions.RunContinuationsAsynchronously);
            _inFlight[key] = flight;
            generation = _generation;
        }
        _ = LookUpAsync(key, generation, flight);
        return flight.Task;
    }

    // Runs apart from its callers, none of whose tokens it takes: one caller giving up must not fail the others. The
    // query still ends on its own (the connection's command timeout).
    private async Task LookUpAsync(string key, long generation, TaskCompletionSource<Answer> flight)
    {
        var sent = AgeStamp.Now(_time);
        try
        {
            var tenant = await _lookUp(key, CancellationToken.None);
            bool current;
            lock (_gate)
            {
                // The same generation means no Forget since, so the key's entry in flight is still this one.
                current = generation == _generation;
                if (current)
                {
                    _inFlight.Remove(key);
                    Remember(key, tenant, sent);
                }
            }
            flight.SetResult(new Answer(tenant, current));
        }
        catch (Exception exception)
        {
            lock (_gate)
            {
                if (generation == _generation) _inFlight.Remove(key);
            }
            flight.SetException(exception);
        }
    }

    private void Remember(string key, string? tenant, AgeStamp readFrom)
    {
        if (tenant is null)
        {
            // Starting over costs one lookup per key; it keeps a flood of guesses from growing memory.
            if (_unknown.Count >= MaxUnknownKeys) _unknown.Clear();
            _unknown[key] = readFrom;
            _known.TryRemove(key, out _);
            return;
        }
        if (_known.Count >= MaxKnownKeys) _known.Clear();
        _known[key] = new Entry(tenant, readFrom);
        _unknown.TryRemove(key, out _);
    }

    /// <summary>A known key's tenant, and when the lookup that read it was sent (its age counts from then).</summary>
    private sealed record Entry(string Tenant, AgeStamp ReadFrom);

    /// <summary>What one lookup read; not <paramref name="Current"/> when a <see cref="Forget"/> came while it was in flight.</summary>
    private readonly record struct Answer(string? Tenant, bool Current);
}
