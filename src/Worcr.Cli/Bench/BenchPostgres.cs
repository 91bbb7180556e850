using Worcr.LocalServices;

namespace Worcr.Cli.Bench;

/// <summary>The PostgreSQL of `worcr bench history`: the one given, or a fresh durable one started for the bench.</summary>
internal sealed class BenchPostgres : IAsyncDisposable
{
    private readonly PostgresProcess? _process;
    private readonly string? _directory;

    private BenchPostgres(string url, PostgresProcess? process, string? directory)
    {
        Url = url;
        _process = process;
        _directory = directory;
    }

    public string Url { get; }

    public static async Task<BenchPostgres> StartAsync(string? url, CancellationToken cancellationToken)
    {
        if (url is not null) return new BenchPostgres(url, null, null);
        Console.Error.WriteLine("bench: starting PostgreSQL...");
        var directory = Path.Combine(Path.GetTempPath(), $"worcr-bench-pg-{Guid.NewGuid():N}");
        var process = await PostgresProcess.StartAsync(new PostgresProcessOptions { DataDirectory = directory, Durable = true, Ephemeral = true }, cancellationToken);
        return new BenchPostgres(process.ConnectionString, process, directory);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        if (_directory is not null && Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
