using Worcr.Core.Fairness;
using Worcr.Postgres;
using Worcr.Server.Hosting;

namespace Worcr.Server.Fairness;

/// <summary>
/// Tenant shares for the weighted strategy, read from PostgreSQL and reloaded when a tenant or plan changes.
/// Readers see one consistent snapshot; a tenant without a row has share 1.
/// </summary>
internal sealed class TenantShareTable : ITenantShares
{
    private readonly TenantStore _store;
    private volatile IReadOnlyDictionary<string, double> _shares = new Dictionary<string, double>();

    public TenantShareTable(TenantStore store) => _store = store;

    public double Share(string tenant) => _shares.GetValueOrDefault(tenant, 1);

    /// <summary>Raised after each reload, for tests.</summary>
    internal Hosting.RoundSignal Reloaded { get; } = new();

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var plans = (await _store.ListPlansAsync(cancellationToken)).ToDictionary(p => p.Name, p => p.Weight, StringComparer.Ordinal);
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var tenant in await _store.ListTenantsAsync(cancellationToken))
        {
            shares[tenant.Name] = tenant.Weight ?? (tenant.Plan is not null && plans.TryGetValue(tenant.Plan, out var planWeight) ? planWeight : 1);
        }
        _shares = shares;
        Reloaded.Raise();
    }
}
