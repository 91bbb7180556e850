using Microsoft.Extensions.Options;
using Worcr.Core.Errors;
using Worcr.Core.Input;
using Worcr.Server.Hosting;
using Worcr.Server.Identity;

namespace Worcr.Server.Events;

/// <summary>
/// The Watch calls tenant keys hold open on this node, counted per tenant, and their cap
/// (<see cref="WatchOptions.MaxWatchesPerTenant"/>). The operator key is not counted: it is the node owner's (it may
/// cancel any job already), and an application that waits for each of its jobs with a Watch of its own under that key
/// must not meet a cap meant for tenants; the same holds for every call to a node started insecure. Counts per tenant,
/// so one tenant's watches never crowd out another's.
/// </summary>
internal sealed class WatchSlots
{
    private readonly int _maxPerTenant;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);

    public WatchSlots(IOptions<WatchOptions> options) => _maxPerTenant = options.Value.MaxWatchesPerTenant;

    /// <summary>Raised each time a Watch call gives its slot back.</summary>
    public RoundSignal Released { get; } = new();

    /// <summary>Watch calls open now under this tenant's keys.</summary>
    public int OpenOf(string tenant)
    {
        lock (_gate) return _open.GetValueOrDefault(tenant);
    }

    /// <summary>A slot for one Watch call of this caller, given back when disposed; the operator's calls take none.</summary>
    /// <exception cref="WorcrError">RESOURCE_EXHAUSTED: the tenant already has as many Watch calls open as it may.</exception>
    public IDisposable Take(ProducerScope scope)
    {
        if (scope.Tenant is not { } bucket) return NoSlot.Instance;
        lock (_gate)
        {
            var open = _open.GetValueOrDefault(bucket);
            if (open >= _maxPerTenant) throw Refused(bucket);
            _open[bucket] = open + 1;
        }
        return new Slot(this, bucket);
    }

    private WorcrError Refused(string tenant) => WorcrError.ResourceExhausted(
        $"Watch: tenant {TextCheck.QuoteName(tenant, InputLimits.MaxTenantLength)} already has {_maxPerTenant} Watch calls open on this node, " +
        "the most allowed (setting MaxWatchesPerTenant, WORCR_MAX_WATCHES_PER_TENANT). End one first, or watch several jobs in one call " +
        $"(up to {InputLimits.MaxWatchedJobs} job ids).");

    private void GiveBack(string bucket)
    {
        lock (_gate)
        {
            var open = _open[bucket] - 1;
            if (open == 0) _open.Remove(bucket);
            else _open[bucket] = open;
        }
        Released.Raise();
    }

    private sealed class Slot(WatchSlots slots, string bucket) : IDisposable
    {
        private int _givenBack;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _givenBack, 1) == 0) slots.GiveBack(bucket);
        }
    }

    private sealed class NoSlot : IDisposable
    {
        public static readonly NoSlot Instance = new();

        public void Dispose()
        {
        }
    }
}
