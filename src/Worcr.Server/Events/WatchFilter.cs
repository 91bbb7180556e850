using Worcr.Server.Transport;

namespace Worcr.Server.Events;

/// <summary>Which events a watcher wants: those of the listed jobs, else those of one tenant, else all.</summary>
internal sealed class WatchFilter
{
    private readonly HashSet<string> _jobIds;

    public WatchFilter(IReadOnlyCollection<long> jobIds, string? tenant)
    {
        JobIds = jobIds;
        _jobIds = jobIds.Select(Transport.Messages.JobId).ToHashSet(StringComparer.Ordinal);
        Tenant = string.IsNullOrEmpty(tenant) ? null : tenant;
    }

    /// <summary>The jobs asked for; empty means every job (of <see cref="Tenant"/> when set).</summary>
    public IReadOnlyCollection<long> JobIds { get; }

    public string? Tenant { get; }

    public bool HasJobIds => JobIds.Count > 0;

    public bool Matches(in TenantEvent item) =>
        HasJobIds ? _jobIds.Contains(item.Event.JobId) : Tenant is null || Tenant == item.Tenant;
}
