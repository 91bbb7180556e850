using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Worcr.Postgres;
using Worcr.Server.Hosting;
using Worcr.Server.Maintenance;

namespace Worcr.Server.Tests.Maintenance;

/// <summary>Rows with the timestamps a retention test needs, written straight into a test's own schema.</summary>
internal static class RetentionData
{
    public static RetentionMaintainer Maintainer(this WorcrDatabase db, TimeProvider clock, Action<RetentionOptions>? configure = null) =>
        db.Maintainer(clock, MaintenanceDatabase.Log<RetentionMaintainer>(), configure);

    /// <summary>A maintainer whose log lines go to <paramref name="logs"/>.</summary>
    public static RetentionMaintainer Maintainer(this WorcrDatabase db, TimeProvider clock, ILoggerProvider logs, Action<RetentionOptions>? configure = null) =>
        db.Maintainer(clock, new Logger<RetentionMaintainer>(new LoggerFactory([logs])), configure);

    private static RetentionMaintainer Maintainer(this WorcrDatabase db, TimeProvider clock, ILogger<RetentionMaintainer> logger, Action<RetentionOptions>? configure)
    {
        var options = new RetentionOptions();
        configure?.Invoke(options);
        Assert.Empty(new RetentionOptionsValidator().Problems(options));
        return new RetentionMaintainer(db.Retention, Options.Create(options), clock, logger);
    }

    /// <summary>Midday (UTC) of the day <paramref name="daysAgo"/> days before today: a clock start that never straddles midnight.</summary>
    public static FakeTimeProvider ClockAt(int daysAgo) =>
        new(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-daysAgo).AddHours(12), TimeSpan.Zero));

    public static DateOnly Today(this TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>A finished job with one checkpoint, one progress counter and one log line; returns its id.</summary>
    public static async Task<long> FinishedAsync(this WorcrDatabase db, string state, DateTimeOffset finishedAt, string tenant = "acme",
        string type = "email", long laneId = 1)
    {
        var id = (long)(await db.ScalarAsync($"""
            INSERT INTO __schema__.job_history (id, lane_id, tenant, type, args, state, attempt, failures, max_attempts, weight, enqueued_at, run_at, finished_at)
            VALUES (nextval('__schema__.job_ids'), {laneId}, @tenant, @type, '{"{}"}', @state, 1, 0, 3, 1, @at, @at, @at) RETURNING id
            """, ("tenant", tenant), ("type", type), ("state", state), ("at", finishedAt)))!;
        await db.ExecuteAsync($"""
            INSERT INTO __schema__.job_checkpoints (job_id, name, value, attempt) VALUES ({id}, 'page', '7', 1);
            INSERT INTO __schema__.job_progress (job_id, name, current, total, attempt) VALUES ({id}, 'rows', 5, 10, 1);
            INSERT INTO __schema__.job_logs (job_id, attempt, level, text, at) VALUES ({id}, 1, 'info', 'hello', now());
            """);
        return id;
    }

    /// <summary>
    /// A transaction that has read job_history and stays open until disposed (a report, pg_dump, a slow GUI query):
    /// it holds a share lock on every partition, which adding or dropping one has to wait for.
    /// </summary>
    public static async Task<IAsyncDisposable> LongReaderOfHistoryAsync(this WorcrDatabase db)
    {
        var connection = await db.DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{db.Schema}\".job_history", connection, transaction);
        await command.ExecuteScalarAsync();
        return new OpenTransaction(connection, transaction);
    }

    /// <summary>The names of every day partition of job_history, all states.</summary>
    public static async Task<List<string>> HistoryPartitionNamesAsync(this WorcrDatabase db)
    {
        var names = new List<string>();
        foreach (var state in HistoryRetention.States) names.AddRange((await db.Retention.ListHistoryPartitionsAsync(state)).Select(p => p.Name));
        return names;
    }

    public static async Task<long[]> HistoryIdsAsync(this WorcrDatabase db, string state)
    {
        await using var command = db.Command("SELECT id FROM __schema__.job_history WHERE state = @state ORDER BY id", ("state", state));
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return ids.ToArray();
    }

    /// <summary>Job ids that still have a checkpoint, a progress row and a log line, each.</summary>
    public static async Task<long[]> IdsWithReportsAsync(this WorcrDatabase db)
    {
        await using var command = db.Command("""
            SELECT c.job_id FROM __schema__.job_checkpoints c
            JOIN __schema__.job_progress p USING (job_id) JOIN __schema__.job_logs l USING (job_id) ORDER BY 1
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return ids.ToArray();
    }

    public static async Task<long> CountAsync(this WorcrDatabase db, string table) =>
        (long)(await db.ScalarAsync($"SELECT count(*) FROM __schema__.{table}"))!;

    public static async Task<object?> ScalarAsync(this WorcrDatabase db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = db.Command(sql, parameters);
        return await command.ExecuteScalarAsync();
    }

    public static async Task ExecuteAsync(this WorcrDatabase db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = db.Command(sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs passes until one comes back with nothing left behind (at most 20).</summary>
    public static async Task<List<RetentionPass>> RunUntilCaughtUpAsync(this RetentionMaintainer maintainer)
    {
        var passes = new List<RetentionPass>();
        do passes.Add(await maintainer.RunPassAsync(CancellationToken.None));
        while (passes[^1].Behind && passes.Count < 20);
        Assert.False(passes[^1].Behind);
        return passes;
    }

    private static NpgsqlCommand Command(this WorcrDatabase db, string sql, params (string Name, object Value)[] parameters)
    {
        var command = db.DataSource.CreateCommand(sql.Replace("__schema__", $"\"{db.Schema}\"", StringComparison.Ordinal));
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    private sealed class OpenTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
