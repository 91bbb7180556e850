namespace Worcr.Cli.Bench;

/// <summary>
/// The load of `worcr bench chaos`: jobs enqueued at <paramref name="Rate"/> per second for at least
/// <paramref name="LoadTime"/> (longer when a fault needs it), the fault injected <paramref name="FaultAt"/> after the
/// load starts; <paramref name="Workers"/> worker processes of <paramref name="Concurrency"/> each, jobs of
/// <paramref name="Steps"/> steps of <paramref name="StepTime"/>, at most <paramref name="Capacity"/> at once; each worker
/// holds <paramref name="Prefetch"/> jobs ahead of its free slots.
/// </summary>
internal sealed record ChaosSettings(double Rate, TimeSpan LoadTime, TimeSpan FaultAt, int Workers, int Concurrency, int Steps, TimeSpan StepTime,
    int Capacity, TimeSpan Timeout, int Prefetch = 0);
