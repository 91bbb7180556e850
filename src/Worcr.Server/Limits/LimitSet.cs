using Worcr.Core.Caching;
using Worcr.Core.Lanes;
using Worcr.Redis.Limits;
using Worcr.Scripting;

namespace Worcr.Server.Limits;

/// <summary>One version of the installation's limit definitions, immutable; a change makes a new set.</summary>
internal sealed class LimitSet
{
    /// <summary>Limit keys remembered at most: keys can come from job args (one per host, per customer...).</summary>
    internal const int KeysKept = 10_000;

    private readonly BoundedCache<string, IReadOnlyList<LimitDefinition>> _jobLimitsByKey = new(KeysKept, StringComparer.Ordinal);

    /// <summary>The enabled job limits matching a tenant, type or tag: they hold every job of a lane, whenever it was enqueued.</summary>
    private readonly IReadOnlyList<LimitDefinition> _laneJobLimits;

    private readonly BoundedCache<long, IReadOnlyList<string>> _keysByLane = new(KeysKept);

    public LimitSet(IReadOnlyList<LimitDefinition> definitions)
    {
        Definitions = definitions;
        Enabled = definitions.Where(d => d.Enabled).ToArray();
        _laneJobLimits = Enabled.Where(d => d.Mode == LimitMode.Job && d.Match.KeysFromLane).ToArray();
        ConcurrencyJobLimits = Enabled.Where(d => d.Mode == LimitMode.Job && d.Kind == LimitKind.Concurrency).ToArray();
    }

    public static LimitSet Empty { get; } = new([]);

    /// <summary>Every definition, by name.</summary>
    public IReadOnlyList<LimitDefinition> Definitions { get; }

    private IReadOnlyList<LimitDefinition> Enabled { get; }

    /// <summary>The enabled concurrency job limits: a new or changed one must count the jobs of its keys already running.</summary>
    public IReadOnlyList<LimitDefinition> ConcurrencyJobLimits { get; }

    /// <summary>The limit keys enabled definitions make for a job (rules add theirs elsewhere).</summary>
    public IEnumerable<string> KeysFor(JobFacts job)
    {
        foreach (var limit in Enabled)
        {
            if (limit.Match.KeyFor(job) is { } key) yield return key;
        }
    }

    /// <summary>
    /// The limit keys the jobs of a lane are held by now: the keys stored with the lane when its jobs were enqueued,
    /// and those the enabled tenant, type and tag job limits make for its tenant, type and tags. So a limit defined
    /// after jobs were enqueued holds the ones still waiting too (an args-field limit cannot: a lane does not hold its
    /// jobs' args). Sorted and distinct; the stored keys themselves when no such limit adds one (no allocation).
    /// </summary>
    public IReadOnlyList<string> KeysOf(string tenant, string type, IReadOnlyList<string> tags, IReadOnlyList<string> storedKeys)
    {
        SortedSet<string>? keys = null;
        foreach (var limit in _laneJobLimits)
        {
            if (limit.Match.KeyFor(tenant, type, tags) is not { } key || storedKeys.Contains(key, StringComparer.Ordinal)) continue;
            keys ??= new SortedSet<string>(storedKeys, StringComparer.Ordinal);
            keys.Add(key);
        }
        return keys is null ? storedKeys : keys.ToArray();
    }

    /// <inheritdoc cref="KeysOf(string, string, IReadOnlyList{string}, IReadOnlyList{string})"/>
    /// <remarks>
    /// Remembered per lane id (a lane's tenant, type and tags never change): the dispatcher asks for every lane it
    /// picks, and every freed permit asks for every parked lane.
    /// </remarks>
    public IReadOnlyList<string> KeysOf(Lane lane)
    {
        if (_laneJobLimits.Count == 0) return lane.LimitKeys;
        if (_keysByLane.TryGet(lane.Id, out var known)) return known;
        var keys = KeysOf(lane.Tenant, lane.Type, lane.Tags, lane.LimitKeys);
        return _keysByLane.GetOrAdd(lane.Id, _ => keys);
    }

    /// <summary>Limit keys remembered right now (for tests of the bound).</summary>
    internal int RememberedKeys => _jobLimitsByKey.Count;

    /// <summary>The enabled job limits covering a lane's limit key (cached: the dispatcher asks for every lane it picks).</summary>
    public IReadOnlyList<LimitDefinition> JobLimitsOn(string key) =>
        _jobLimitsByKey.GetOrAdd(key, k => Enabled.Where(d => d.Mode == LimitMode.Job && d.Match.Covers(k)).ToArray());

    /// <summary>The rate limit a worker asks for by key: the one named so, else the first whose match covers the key.</summary>
    public LimitDefinition? RateLimitFor(string key)
    {
        var rate = Enabled.Where(d => d.Mode == LimitMode.Rate).ToArray();
        return rate.FirstOrDefault(d => d.Name == key) ?? rate.FirstOrDefault(d => d.Match.Covers(key));
    }
}
