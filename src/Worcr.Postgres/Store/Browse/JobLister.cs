using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>
/// Lists jobs newest first from both tables, with keyset pagination on id. Each table is read as a bounded window
/// of at most <see cref="ScanWindow"/> ids below the cursor (its primary key, newest first), and the filters apply
/// inside that window: a page never costs more than two bounded index scans however selective the filters are
/// and however large the history is. When a window ends before the page is full, the page is shorter and the
/// cursor continues below the window, so nothing is skipped.
/// </summary>
internal sealed class JobLister(NpgsqlDataSource dataSource, SchemaSql sql)
{
    public const int ScanWindow = 10_000;

    private const string Filters = """
        (@tenant::text IS NULL OR j.tenant = @tenant) AND (@type::text IS NULL OR j.type = @type)
          AND (@tag::text IS NULL OR @tag = ANY (l.tags)) AND (@state::text IS NULL OR j.state = @state)
          AND (@from::timestamptz IS NULL OR j.enqueued_at >= @from) AND (@to::timestamptz IS NULL OR j.enqueued_at < @to)
        """;

    private static string RowsSql(string table, string finishedAt) => $"""
        WITH scanned AS (SELECT * FROM __schema__.{table} WHERE id < @before ORDER BY id DESC LIMIT @scan)
        SELECT j.id, j.tenant, j.type, l.tags, j.state, j.attempt, j.max_attempts, j.enqueued_at, j.run_at, {finishedAt},
               j.worker_id, j.last_error
        FROM scanned j JOIN __schema__.lanes l ON l.id = j.lane_id
        WHERE {Filters}
        ORDER BY j.id DESC LIMIT @limit
        """;

    // The window's lowest id and size: a full window means older ids were not looked at yet.
    private static string WindowSql(string table) => $"""
        SELECT min(id), count(*) FROM (SELECT id FROM __schema__.{table} WHERE id < @before ORDER BY id DESC LIMIT @scan) w
        """;

    private const string ProgressSql = """
        SELECT job_id, name, current, total, text, updated_at FROM __schema__.job_progress WHERE job_id = ANY (@ids) ORDER BY job_id, name
        """;

    private readonly string _liveRowsSql = sql.Format(RowsSql("jobs", "NULL::timestamptz"));
    private readonly string _liveWindowSql = sql.Format(WindowSql("jobs"));
    private readonly string _finishedRowsSql = sql.Format(RowsSql("job_history", "j.finished_at"));
    private readonly string _finishedWindowSql = sql.Format(WindowSql("job_history"));
    private readonly string _progressSql = sql.Format(ProgressSql);

    public async Task<JobPage> ListAsync(JobFilter filter, CancellationToken ct)
    {
        var tables = new List<(string Rows, string Window)>(2);
        if (filter.State is not { } only || !only.IsFinal()) tables.Add((_liveRowsSql, _liveWindowSql));
        if (filter.State is not { } state || state.IsFinal()) tables.Add((_finishedRowsSql, _finishedWindowSql));
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = new List<JobSummaryRecord>();
        long? floor = null;
        foreach (var (rowsSql, windowSql) in tables)
        {
            var (tableRows, windowFloor) = await ReadTableAsync(connection, rowsSql, windowSql, filter, ct);
            rows.AddRange(tableRows);
            if (windowFloor is { } f) floor = Math.Max(floor ?? long.MinValue, f);
        }
        var page = Merge(rows, floor, filter.Limit);
        return page with { Jobs = await WithProgressAsync(connection, page.Jobs, ct) };
    }

    /// <summary>Newest first; rows below a table's unfinished window wait for the next page so the order holds.</summary>
    private static JobPage Merge(List<JobSummaryRecord> rows, long? floor, int limit)
    {
        var ordered = rows.Where(r => floor is null || r.Id >= floor).OrderByDescending(r => r.Id).Take(limit).ToList();
        if (ordered.Count == limit) return new JobPage(ordered, ordered[^1].Id);
        return new JobPage(ordered, floor);
    }

    /// <summary>The table's matching rows and, when its window was full, the lowest id it looked at.</summary>
    private static async Task<(List<JobSummaryRecord> Rows, long? Floor)> ReadTableAsync(NpgsqlConnection connection, string rowsSql, string windowSql,
        JobFilter filter, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(WithFilter(new NpgsqlBatchCommand(rowsSql), filter));
        batch.BatchCommands.Add(WithFilter(new NpgsqlBatchCommand(windowSql), filter));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var rows = new List<JobSummaryRecord>();
        while (await reader.ReadAsync(ct)) rows.Add(ReadSummary(reader));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var full = reader.GetInt64(1) >= ScanWindow;
        return (rows, full ? reader.GetInt64(0) : null);
    }

    private static NpgsqlBatchCommand WithFilter(NpgsqlBatchCommand command, JobFilter filter)
    {
        var p = command.Parameters;
        p.Add(new NpgsqlParameter("before", NpgsqlDbType.Bigint) { Value = filter.Before ?? long.MaxValue });
        p.Add(new NpgsqlParameter("scan", NpgsqlDbType.Integer) { Value = ScanWindow });
        p.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = filter.Limit });
        p.Add(new NpgsqlParameter("tenant", NpgsqlDbType.Text) { Value = (object?)filter.Tenant ?? DBNull.Value });
        p.Add(new NpgsqlParameter("type", NpgsqlDbType.Text) { Value = (object?)filter.Type ?? DBNull.Value });
        p.Add(new NpgsqlParameter("tag", NpgsqlDbType.Text) { Value = (object?)filter.Tag ?? DBNull.Value });
        p.Add(new NpgsqlParameter("state", NpgsqlDbType.Text) { Value = (object?)filter.State?.ToName() ?? DBNull.Value });
        p.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)filter.From?.UtcDateTime ?? DBNull.Value });
        p.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = (object?)filter.To?.UtcDateTime ?? DBNull.Value });
        return command;
    }

    public static JobSummaryRecord ReadSummary(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetFieldValue<string[]>(3), JobStates.Parse(r.GetString(4)), r.GetInt32(5),
        r.GetInt32(6), r.GetTime(7), r.GetTime(8), r.GetTimeOrNull(9), r.GetStringOrNull(10), r.GetStringOrNull(11));

    private async Task<IReadOnlyList<JobSummaryRecord>> WithProgressAsync(NpgsqlConnection connection, IReadOnlyList<JobSummaryRecord> jobs, CancellationToken ct)
    {
        if (jobs.Count == 0) return jobs;
        await using var command = new NpgsqlCommand(_progressSql, connection).WithArray("ids", NpgsqlDbType.Bigint, jobs.Select(j => j.Id).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var progress = new Dictionary<long, List<ProgressRecord>>();
        while (await reader.ReadAsync(ct))
        {
            var jobId = reader.GetInt64(0);
            if (!progress.TryGetValue(jobId, out var list)) progress[jobId] = list = new List<ProgressRecord>();
            list.Add(new ProgressRecord(reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetStringOrNull(4), reader.GetTime(5)));
        }
        return jobs.Select(j => progress.TryGetValue(j.Id, out var list) ? j with { Progress = list } : j).ToList();
    }
}
