namespace Worcr.Core.Fairness;

/// <summary>A tenant's share under the weighted strategy (its own setting, else its plan's, else 1).</summary>
public interface ITenantShares
{
    double Share(string tenant);
}

/// <summary>Every tenant weighs the same.</summary>
public sealed class EqualTenantShares : ITenantShares
{
    public static EqualTenantShares Instance { get; } = new();

    public double Share(string tenant) => 1;
}
