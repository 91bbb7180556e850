using Npgsql;
using Worcr.LocalServices;
using Worcr.Server.Hosting;
using Worcr.Testing;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// A node that reaches PostgreSQL through a <see cref="TcpProxy"/> the test stalls or breaks (a network partition:
/// nothing gets through, nothing is closed), for a <see cref="RawWorker"/> that sends no heartbeats: its jobs stay
/// held (<see cref="RawWorker.HeldLease"/>), and no renewal the read loop makes for a worker that only reports (after
/// 1.5 heartbeat intervals) reaches for PostgreSQL while the test breaks the link.
/// </summary>
internal static class PartitionableNode
{
    /// <summary>A link to the tests' PostgreSQL.</summary>
    public static async Task<TcpProxy> LinkAsync() => new(new NpgsqlConnectionStringBuilder(await TestServices.PostgresAsync()).Port);

    /// <param name="configure">Runs last: it may change <see cref="NodeOptions.PostgresUrl"/> (which names the link) further.</param>
    public static async Task<DispatcherNode> AddAsync(TestCluster cluster, TcpProxy link, Action<NodeOptions>? configure = null)
    {
        var postgres = new NpgsqlConnectionStringBuilder(await TestServices.PostgresAsync()) { Port = link.Port };
        return await cluster.AddNodeAsync(o =>
        {
            o.PostgresUrl = postgres.ConnectionString;
            o.LeaseDuration = RawWorker.HeldLease;
            o.HeartbeatInterval = TimeSpan.FromMinutes(1);
            configure?.Invoke(o);
        });
    }
}
