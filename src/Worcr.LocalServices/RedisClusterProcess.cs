using System.Diagnostics;
using System.Globalization;

namespace Worcr.LocalServices;

/// <summary>
/// A Redis Cluster of primaries without replicas on 127.0.0.1: cluster-enabled redis-server children joined with
/// <c>redis-cli --cluster create</c>, ready once every node reports <c>cluster_state:ok</c>.
/// </summary>
public sealed class RedisClusterProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly string _directory;
    private readonly bool _ephemeral;

    private RedisClusterProcess(string directory, bool ephemeral, IReadOnlyList<RedisProcess> nodes)
    {
        _directory = directory;
        _ephemeral = ephemeral;
        Nodes = nodes;
    }

    public IReadOnlyList<RedisProcess> Nodes { get; }

    /// <summary>Every node as a seed, e.g. redis://127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002.</summary>
    public string Url => "redis://" + string.Join(',', Nodes.Select(node => $"127.0.0.1:{node.Port}"));

    /// <param name="directory">Holds one data directory per node; created when missing.</param>
    /// <param name="primaries">At least 3, as Redis Cluster requires.</param>
    /// <param name="ephemeral">Delete <paramref name="directory"/> when disposed.</param>
    public static async Task<RedisClusterProcess> StartAsync(string directory, int primaries = 3, bool ephemeral = true, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(primaries, 3);
        var cli = Executables.Find("redis-cli")
            ?? throw new InvalidOperationException("redis-cli was not found on PATH. Install it (Debian: apt-get install redis-tools).");
        var nodes = new List<RedisProcess>();
        var cluster = new RedisClusterProcess(directory, ephemeral, nodes);
        try
        {
            for (var i = 0; i < primaries; i++)
            {
                nodes.Add(await RedisProcess.StartAsync(new RedisProcessOptions
                {
                    DataDirectory = Path.Combine(directory, $"node{i}"), ClusterEnabled = true,
                }, cancellationToken));
            }
            string[] create = ["--cluster", "create", .. nodes.Select(n => $"127.0.0.1:{n.Port}"), "--cluster-replicas", "0", "--cluster-yes"];
            var (exitCode, output) = await RunAsync(cli, create, cancellationToken);
            if (exitCode != 0) throw new InvalidOperationException($"redis-cli --cluster create failed with code {exitCode}:\n{output}");
            await cluster.WaitUntilReadyAsync(cli, cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Asks every node to stop without waiting (see <see cref="RedisProcess.RequestStop"/>).</summary>
    public void RequestStop()
    {
        foreach (var node in Nodes) node.RequestStop();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
        if (_ephemeral && Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    // The nodes agree on the slot map a moment after `create` returns; only they can say when.
    private async Task WaitUntilReadyAsync(string cli, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var node in Nodes)
        {
            string[] info = ["-h", "127.0.0.1", "-p", node.Port.ToString(CultureInfo.InvariantCulture), "cluster", "info"];
            while (!(await RunAsync(cli, info, cancellationToken)).Output.Contains("cluster_state:ok", StringComparison.Ordinal))
            {
                if (deadline.Elapsed > ReadyTimeout) throw new TimeoutException($"The Redis Cluster node on port {node.Port} did not report cluster_state:ok within {ReadyTimeout.TotalSeconds:0} s.");
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string cli, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(cli) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await errors);
    }
}
