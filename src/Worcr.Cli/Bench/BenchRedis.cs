using Worcr.LocalServices;

namespace Worcr.Cli.Bench;

/// <summary>The Redis of `worcr bench redis`: the one given, or a fresh one without persistence started for the bench.</summary>
internal sealed class BenchRedis : IAsyncDisposable
{
    private readonly RedisProcess? _process;

    private BenchRedis(string url, RedisProcess? process)
    {
        Url = url;
        _process = process;
    }

    public string Url { get; }

    public static async Task<BenchRedis> StartAsync(string? url, CancellationToken cancellationToken)
    {
        if (url is not null) return new BenchRedis(url, null);
        Console.Error.WriteLine("bench: starting Redis...");
        var directory = Path.Combine(Path.GetTempPath(), $"worcr-bench-redis-{Guid.NewGuid():N}");
        var process = await RedisProcess.StartAsync(new RedisProcessOptions { DataDirectory = directory, Ephemeral = true }, cancellationToken);
        return new BenchRedis(process.Url, process);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}
