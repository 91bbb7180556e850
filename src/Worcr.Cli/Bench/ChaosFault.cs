namespace Worcr.Cli.Bench;

/// <summary>
/// One fault of `worcr bench chaos`: what it does to the cluster, returning once the fault is over (the moment
/// dispatch should resume from), and how long it lasts at least, so the load outlives it.
/// </summary>
internal sealed record ChaosFault(string Name, TimeSpan Length, Func<ChaosCluster, CancellationToken, Task> InjectAsync)
{
    /// <summary>How long node B stays dead before it is started again, as an orchestrator would.</summary>
    private static readonly TimeSpan NodeDowntime = TimeSpan.FromSeconds(2);

    /// <summary>Shorter than the lease: a longer cut lets the cut node's permits lapse (docs/operations.md, known limit).</summary>
    private static readonly TimeSpan RedisCut = TimeSpan.FromSeconds(3);

    public static IReadOnlyList<ChaosFault> All { get; } =
    [
        new("node_kill", NodeDowntime, async (cluster, ct) =>
        {
            await cluster.KillNodeBAsync();
            await Task.Delay(NodeDowntime, ct);
            await cluster.RestartNodeBAsync(ct);
        }),
        new("worker_kill", TimeSpan.Zero, async (cluster, ct) =>
        {
            // The first worker, under load, is mid-job; a replacement takes its place, as a supervisor would start one.
            cluster.Workers[0].Kill();
            await cluster.StartWorker(cluster.AddressA).Ready.WaitAsync(TimeSpan.FromSeconds(60), ct);
        }),
        PostgresRestart("pg_restart_10s", TimeSpan.FromSeconds(10)),
        PostgresRestart("pg_restart_40s", TimeSpan.FromSeconds(40)),
        new("redis_restart", TimeSpan.Zero, async (cluster, ct) =>
        {
            await cluster.Redis.ShutdownNoSaveAsync();
            await cluster.Redis.StartAgainAsync(ct);
        }),
        new("listen_kill", TimeSpan.Zero, async (cluster, ct) =>
        {
            // Found by their last statement: a listener caught between statements is missed, which the line says.
            var terminated = await cluster.Postgres.TerminateListenersAsync(cluster.Schema, ct);
            if (terminated < 2) Console.Error.WriteLine($"bench chaos: only {terminated} of the two nodes' LISTEN connections were found and terminated.");
        }),
        new("redis_cut_one_node", RedisCut, async (cluster, ct) =>
        {
            cluster.RedisLinkOfB.Cut();
            await Task.Delay(RedisCut, ct);
            cluster.RedisLinkOfB.Restore();
        }),
    ];

    /// <summary>The faults named in a comma-separated list ("all" for every one), or an error naming the unknown one.</summary>
    public static IReadOnlyList<ChaosFault> Parse(string names)
    {
        if (names.Trim() == "all") return All;
        return names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => All.FirstOrDefault(f => f.Name == name)
                ?? throw new ArgumentException($"--faults: unknown fault '{name}'; known: {string.Join(", ", All.Select(f => f.Name))} (or all).", nameof(names)))
            .ToList();
    }

    /// <summary>PostgreSQL stopped in immediate mode (a crash for every connection), down for <paramref name="down"/>, then started again.</summary>
    private static ChaosFault PostgresRestart(string name, TimeSpan down) => new(name, down, async (cluster, ct) =>
    {
        await cluster.Postgres.StopImmediatelyAsync();
        await Task.Delay(down, ct);
        await cluster.Postgres.StartAgainAsync(ct);
    });
}
