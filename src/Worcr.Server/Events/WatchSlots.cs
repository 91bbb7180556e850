using Microsoft.Extensions.Options;
using Worcr.Core.Errors;
using Worcr.Core.Input;
using Worcr.Server.Hosting;
using Worcr.Server.Identity;

namespace Worcr.Server.Events;

/// <summary>
/// The Watch calls open on this node, counted per tenant, and their cap (<see cref="WatchOptions.MaxWatchesPerTenant"/>).
/// A tenant key's calls count under its tenant. The operator key is no tenant: its calls (and every call to a node
/// started insecure) count under one bucket of their own, whatever tenant they watch, so a tenant's watches cannot
/// crowd the operator's out, nor the operator's a tenant's.
/// </summary>
internal sealed class WatchSlots
{
    // Tenant names are 1 to 200 characters long, so no tenant's bucket has this name.
    private const string OperatorBucket = "";
    private readonly int _maxPerTenant;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);

    public WatchSlots(IOptions<WatchOptions> options) => _maxPerTenant = options.Value.MaxWatchesPerTenant;

    /// <summary>Raised each time a Watch call gives its slot back.</summary>
    public RoundSignal Released { get; } = new();

    /// <summary>Watch calls open now under this tenant (null: under the operator key).</summary>
    public int OpenOf(string? tenant)
    {
        lock (_gate) return _open.GetValueOrDefault(tenant ?? OperatorBucket);
    }

    /// <summary>A slot for one Watch call of this caller, given back when disposed.</summary>
    /// <exception cref="WorcrError">RESOURCE_EXHAUSTED: the caller already has as many Watch calls open as it may.</exception>
    public IDisposable Take(ProducerScope scope)
    {
        var bucket = scope.Tenant ?? OperatorBucket;
        lock (_gate)
        {
            var open = _open.GetValueOrDefault(bucket);
            if (open >= _maxPerTenant) throw Refused(scope.Tenant);
            _open[bucket] = open + 1;
        }
        return new Slot(this, bucket);
    }

    private WorcrError Refused(string? tenant) => WorcrError.ResourceExhausted(
        $"Watch: {(tenant is null ? "the operator key" : $"tenant '{tenant}'")} already has {_maxPerTenant} Watch calls open on this node, " +
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
}
