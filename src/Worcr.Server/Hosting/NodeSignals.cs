namespace Worcr.Server.Hosting;

/// <summary>What a node's background components raise when they finish a round or a reload, for tests to await.</summary>
internal sealed record NodeSignals(
    RoundSignal DispatchRounds, RoundSignal MaintenanceRounds, RoundSignal RulesReloaded, RoundSignal LimitsReloaded, RoundSignal TenantSharesReloaded,
    RoundSignal CancelsRouted);
