using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Worcr.Admin;
using Worcr.Postgres;
using Worcr.Server.Hosting;
using Worcr.Worker;

namespace Worcr.Cli.Bench;

/// <summary>
/// A dispatcher node in the bench process for one run, on a schema and Redis key prefix of its own, so every run
/// starts from empty tables even against a shared PostgreSQL; the schema is dropped when the run ends.
/// </summary>
internal sealed class BenchNode : IAsyncDisposable
{
    public const string JobType = "bench.noop";

    /// <summary>The job a flooding worker takes (`bench progress`).</summary>
    public const string FloodJobType = "bench.flood";

    /// <summary>The jobs of `bench backlog` that wait all along: no bench worker serves this type.</summary>
    public const string BacklogJobType = "bench.backlog";

    private readonly DispatcherNode _node;
    private readonly WorcrDatabase _database;

    private BenchNode(DispatcherNode node, WorcrDatabase database, string workerToken, WorcrClient client)
    {
        _node = node;
        _database = database;
        WorkerToken = workerToken;
        Client = client;
    }

    public Uri GrpcAddress => _node.GrpcAddress;

    public string WorkerToken { get; }

    /// <summary>A producer client with the node's API key.</summary>
    public WorcrClient Client { get; }

    public static Task<BenchNode> StartAsync(BenchServices services, CancellationToken cancellationToken) =>
        StartAsync(services, rulesDirectory: null, cancellationToken);

    /// <param name="rulesDirectory">Rule files the node loads at start-up (none when null).</param>
    /// <param name="fairness">The node's fairness strategy (the node's default when null).</param>
    public static async Task<BenchNode> StartAsync(BenchServices services, string? rulesDirectory, CancellationToken cancellationToken, string? fairness = null,
        int? reportBudget = null)
    {
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var options = new NodeOptions
        {
            PostgresUrl = services.PostgresUrl,
            RedisUrl = services.RedisUrl,
            Schema = "bench_" + run,
            RedisKeyPrefix = $"worcr-bench-{run}:",
            GrpcPort = 0,
            HttpPort = 0,
            ApiKey = "wk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            WorkerToken = "wt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            JobTypes = { JobType, FloodJobType, BacklogJobType },
            RulesDirectory = rulesDirectory,
        };
        if (fairness is not null) options.Fairness = fairness;
        if (reportBudget is { } budget) options.WorkerReportsPerSecond = budget;
        var node = await DispatcherNode.StartAsync(options, [new AdminModule()], QuietLogging, cancellationToken);
        return new BenchNode(node, WorcrDatabase.Create(options.PostgresUrl, options.Schema), options.WorkerToken, new WorcrClient(node.GrpcAddress, options.ApiKey));
    }

    /// <summary>
    /// Makes <paramref name="count"/> jobs of <see cref="BacklogJobType"/> wait: one enqueued through the node (so its
    /// lane exists as the node makes it), the rest copied from it by one INSERT … SELECT generate_series, then VACUUM
    /// ANALYZE, as autovacuum would have done by the time such a backlog had built up.
    /// </summary>
    public async Task FillBacklogAsync(int count, CancellationToken cancellationToken)
    {
        await Client.EnqueueAsync(new Protocol.V1.JobSpec { Type = BacklogJobType, Tenant = "backlog", ArgsJson = """{"i":0}""" }, cancellationToken);
        var jobs = _database.Schema + ".jobs";
        await using (var copy = _database.DataSource.CreateCommand($"""
            INSERT INTO {jobs} (lane_id, tenant, type, args, state, max_attempts, weight)
            SELECT j.lane_id, j.tenant, j.type, j.args, j.state, j.max_attempts, j.weight
            FROM {jobs} j CROSS JOIN generate_series(2, @count)
            WHERE j.type = @type
            """))
        {
            copy.CommandTimeout = 0;
            copy.Parameters.AddWithValue("count", count);
            copy.Parameters.AddWithValue("type", BacklogJobType);
            await copy.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var vacuum = _database.DataSource.CreateCommand($"VACUUM ANALYZE {jobs}");
        vacuum.CommandTimeout = 0;
        await vacuum.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Polls PostgreSQL until <paramref name="expected"/> jobs are completed (moved to history); returns that moment in
    /// unix ms. Polling starts once <paramref name="handled"/> completes (the worker's handlers all returned): a count
    /// of the history table every 10 ms while jobs ran took a fifth to two thirds of PostgreSQL's CPU (bench/RESULTS.md).
    /// </summary>
    public async Task<double> WaitForCompletedAsync(long expected, Task handled, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        await handled.WaitAsync(deadline.Token);
        await using var command = _database.DataSource.CreateCommand($"SELECT count(*) FROM {_database.Schema}.job_history WHERE state = 'completed'");
        // Polling is fine in a benchmark: it measures when completions are durable, not how fast they are noticed.
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (true)
        {
            var completed = (long)(await command.ExecuteScalarAsync(deadline.Token))!;
            if (completed >= expected) return BenchClock.NowMs();
            await poll.WaitForNextTickAsync(deadline.Token);
        }
    }

    /// <summary>Each tenant's last durable completion (history's <c>finished_at</c>, the database's clock on this machine), in unix ms.</summary>
    public async Task<IReadOnlyDictionary<string, double>> LastCompletionByTenantAsync(CancellationToken cancellationToken)
    {
        await using var command = _database.DataSource.CreateCommand(
            $"SELECT tenant, extract(epoch FROM max(finished_at)) * 1000 FROM {_database.Schema}.job_history WHERE state = 'completed' GROUP BY tenant");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var last = new Dictionary<string, double>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken)) last[reader.GetString(0)] = (double)reader.GetDecimal(1);
        return last;
    }

    /// <summary>Worcr's own log lines go to stderr, warnings and up only, so stdout carries nothing but JSON lines.</summary>
    private static void QuietLogging(ILoggingBuilder logging) =>
        logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _node.StopAsync();
        await using (var drop = _database.DataSource.CreateCommand($"DROP SCHEMA IF EXISTS {_database.Schema} CASCADE")) await drop.ExecuteNonQueryAsync();
        await _database.DisposeAsync();
    }
}
