using System.Collections.Concurrent;

namespace Worcr.Server.Telemetry;

/// <summary>
/// Tag lists for job metrics, built once per bounded (type, tenant) pair and reused for every measurement, so
/// counting a job allocates nothing. Both labels go through a <see cref="LabelBound"/>, so the cache holds at most
/// (types + 1) × (tenants + 1) lists.
/// </summary>
internal sealed class JobLabels
{
    public const string TypeLabel = "type";
    public const string TenantLabel = "tenant";

    private readonly LabelBound _types;
    private readonly LabelBound _tenants;
    private readonly ConcurrentDictionary<(string Type, string Tenant), KeyValuePair<string, object?>[]> _byPair = new();
    private readonly ConcurrentDictionary<string, KeyValuePair<string, object?>[]> _byType = new(StringComparer.Ordinal);

    public JobLabels(int typeLimit, int tenantLimit)
    {
        _types = new LabelBound(typeLimit);
        _tenants = new LabelBound(tenantLimit);
    }

    /// <summary>Tags {type, tenant}; callers must not change the array.</summary>
    public KeyValuePair<string, object?>[] Of(string type, string tenant)
    {
        var key = (_types.Of(type), _tenants.Of(tenant));
        return _byPair.TryGetValue(key, out var tags) ? tags : _byPair.GetOrAdd(key, static k =>
            [new(TypeLabel, k.Type), new(TenantLabel, k.Tenant)]);
    }

    /// <summary>Tags {type}; callers must not change the array.</summary>
    public KeyValuePair<string, object?>[] OfType(string type)
    {
        var bounded = _types.Of(type);
        return _byType.TryGetValue(bounded, out var tags) ? tags : _byType.GetOrAdd(bounded, static t => [new(TypeLabel, t)]);
    }

    /// <summary>The bounded label value of a type (for sums per type).</summary>
    public string TypeOf(string type) => _types.Of(type);
}
