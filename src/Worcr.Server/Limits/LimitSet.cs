using Worcr.Core.Caching;
using Worcr.Scripting;

namespace Worcr.Server.Limits;

/// <summary>One version of the installation's limit definitions, immutable; a change makes a new set.</summary>
internal sealed class LimitSet
{
    /// <summary>Limit keys remembered at most: keys can come from job args (one per host, per customer...).</summary>
    internal const int KeysKept = 10_000;

    private readonly BoundedCache<string, IReadOnlyList<LimitDefinition>> _jobLimitsByKey = new(KeysKept, StringComparer.Ordinal);

    public LimitSet(IReadOnlyList<LimitDefinition> definitions)
    {
        Definitions = definitions;
        Enabled = definitions.Where(d => d.Enabled).ToArray();
    }

    public static LimitSet Empty { get; } = new([]);

    /// <summary>Every definition, by name.</summary>
    public IReadOnlyList<LimitDefinition> Definitions { get; }

    private IReadOnlyList<LimitDefinition> Enabled { get; }

    /// <summary>The limit keys enabled definitions make for a job (rules add theirs elsewhere).</summary>
    public IEnumerable<string> KeysFor(JobFacts job)
    {
        foreach (var limit in Enabled)
        {
            if (limit.Match.KeyFor(job) is { } key) yield return key;
        }
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
