namespace Worcr.Core.Fairness;

/// <summary>Group usage kept in this process only (one node, or tests).</summary>
public sealed class LocalGroupUsage : IGroupUsage
{
    private readonly Dictionary<string, double> _usage = new(StringComparer.Ordinal);

    public double Usage(string group) => _usage.GetValueOrDefault(group);

    public void Add(string group, double jobs) => _usage[group] = Usage(group) + jobs;
}
