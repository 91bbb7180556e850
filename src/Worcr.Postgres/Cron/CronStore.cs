using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Jobs;
using Worcr.Core.Lanes;

namespace Worcr.Postgres;

/// <summary>
/// Cron schedules in PostgreSQL: saved through the admin API or from rules/schedules.json, and fired by the
/// maintenance leader. docs/cron.md describes the firing guarantees.
/// </summary>
public sealed class CronStore
{
    private const string ListSql = $"SELECT {CronScheduleSql.Columns} FROM __schema__.cron_schedules ORDER BY name";

    private const string GetSql = $"SELECT {CronScheduleSql.Columns} FROM __schema__.cron_schedules WHERE name = @name";

    private const string DeleteSql = "DELETE FROM __schema__.cron_schedules WHERE name = @name";

    // In a transaction, now() is its start: the instant the upsert that follows stamps updated_at with.
    private const string ClockSql = "SELECT now()";

    // One row with the clock even when nothing is due (the schedule columns are then NULL).
    private const string DueSql = $"""
        SELECT now(), c.* FROM (SELECT 1) one LEFT JOIN LATERAL (
            SELECT {CronScheduleSql.Columns} FROM __schema__.cron_schedules
            WHERE enabled AND next_fire_at IS NOT NULL AND next_fire_at <= now() AND (retry_at IS NULL OR retry_at <= now())
            ORDER BY next_fire_at
            LIMIT @limit) c ON true
        """;

    // greatest() skips NULLs: a schedule backing off is next due at its retry_at.
    private const string NextDueSql = "SELECT min(greatest(next_fire_at, retry_at)) FROM __schema__.cron_schedules WHERE enabled";

    // The backoff doubles from 1 s up to 5 min. Guarded like a fire: a save or a fire since the failed attempt wins.
    private const string FailedSql = """
        UPDATE __schema__.cron_schedules
        SET failures = failures + 1, last_error = left(@error, 1000),
            retry_at = now() + make_interval(secs => least(power(2, least(failures, 9)), 300))
        WHERE name = @name AND next_fire_at = @expected
        """;

    // The firing state survives a save that leaves the timing alone: a restart that re-reads schedules.json must
    // not push a missed tick into the future (it would never fire). A new expression, time zone or re-enable
    // starts from the caller's freshly computed next tick.
    private const string UpsertSql = $"""
        INSERT INTO __schema__.cron_schedules AS c
            (name, expression, time_zone, job_type, tenant, tags, args, weight, max_attempts, enabled, origin, next_fire_at)
        VALUES (@name, @expression, @time_zone, @job_type, @tenant, @tags, @args::jsonb, @weight, @max_attempts, @enabled, @origin, @next_fire_at)
        ON CONFLICT (name) DO UPDATE SET
            expression = EXCLUDED.expression, time_zone = EXCLUDED.time_zone, job_type = EXCLUDED.job_type,
            tenant = EXCLUDED.tenant, tags = EXCLUDED.tags, args = EXCLUDED.args, weight = EXCLUDED.weight,
            max_attempts = EXCLUDED.max_attempts, enabled = EXCLUDED.enabled, origin = EXCLUDED.origin, updated_at = now(),
            failures = 0, last_error = NULL, retry_at = NULL,
            next_fire_at = CASE
                WHEN c.expression = EXCLUDED.expression AND c.time_zone = EXCLUDED.time_zone
                     AND c.enabled AND EXCLUDED.enabled AND c.next_fire_at IS NOT NULL
                THEN c.next_fire_at ELSE EXCLUDED.next_fire_at END
        RETURNING {CronScheduleSql.Columns}
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly SchemaSql _sql;
    private readonly CronFirer _firer;

    internal CronStore(NpgsqlDataSource dataSource, SchemaSql sql, LaneCache lanes, string jobsChannel)
    {
        _dataSource = dataSource;
        _sql = sql;
        _firer = new CronFirer(dataSource, sql, lanes, new LaneNotifier(jobsChannel));
    }

    public async Task<IReadOnlyList<CronScheduleRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(ListSql));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await CronScheduleSql.ReadAllAsync(reader, ct);
    }

    public async Task<CronScheduleRecord?> GetAsync(string name, CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(GetSql)).With("name", name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? CronScheduleSql.Read(reader) : null;
    }

    /// <summary>
    /// Creates or replaces a schedule. <paramref name="nextFireAfter"/> gives the first tick after a time; it is asked
    /// with PostgreSQL's clock, read in the save's own transaction (the clock every firing decision uses: nodes'
    /// clocks may differ from it and from each other). Its answer is used for a new schedule or when the expression,
    /// time zone or enabled flag changed; otherwise the stored next tick is kept.
    /// </summary>
    public async Task<CronScheduleRecord> UpsertAsync(CronScheduleDefinition schedule, Func<DateTimeOffset, DateTimeOffset?> nextFireAfter,
        CancellationToken ct = default)
    {
        var job = schedule.Job;
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        DateTimeOffset now;
        await using (var clock = new NpgsqlCommand(ClockSql, connection))
        {
            now = new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await clock.ExecuteScalarAsync(ct))!, DateTimeKind.Utc));
        }
        await using var command = new NpgsqlCommand(_sql.Format(UpsertSql), connection)
            .With("name", schedule.Name).With("expression", schedule.Expression).With("time_zone", schedule.TimeZone)
            .With("job_type", job.Type).With("tenant", job.Tenant)
            .With("tags", NpgsqlDbType.Array | NpgsqlDbType.Text, Lane.NormaliseTags(job.Tags).ToArray())
            .With("args", job.ArgsJson).With("weight", job.Weight).With("max_attempts", NpgsqlDbType.Integer, job.MaxAttempts)
            .With("enabled", schedule.Enabled).With("origin", schedule.Origin)
            .With("next_fire_at", NpgsqlDbType.TimestampTz, Times.ToUtc(schedule.Enabled ? nextFireAfter(now) : null));
        CronScheduleRecord saved;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            saved = CronScheduleSql.Read(reader);
        }
        await transaction.CommitAsync(ct);
        return saved;
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(DeleteSql)).With("name", name);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>Enabled schedules whose next tick has come, oldest first, with the database's clock.</summary>
    public async Task<CronDueBatch> DueAsync(int limit, CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(DueSql)).With("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var due = new List<CronScheduleRecord>();
        var now = DateTimeOffset.UtcNow;
        while (await reader.ReadAsync(ct))
        {
            now = reader.GetTime(0);
            if (!reader.IsDBNull(1)) due.Add(CronScheduleSql.Read(reader, first: 1));
        }
        return new CronDueBatch(now, due);
    }

    /// <summary>The earliest next tick of any enabled schedule, so the leader knows when to look again.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(NextDueSql));
        return await command.ExecuteScalarAsync(ct) is DateTime due ? new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)) : null;
    }

    /// <summary>
    /// Records that firing <paramref name="name"/>'s tick <paramref name="expected"/> failed: the schedule is skipped
    /// for a while, doubling with each failure in a row, so it neither retries every pass nor, with others like it,
    /// fills the due batch ahead of schedules that would fire.
    /// </summary>
    public async Task RecordFailureAsync(string name, DateTimeOffset expected, string error, CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(FailedSql))
            .With("name", name).With("expected", NpgsqlDbType.TimestampTz, expected.UtcDateTime).With("error", error);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Fires one tick: enqueues its job, as <paramref name="shape"/> makes it from the schedule's template, and advances
    /// next_fire_at in one transaction, guarded by a compare-and-set.
    /// </summary>
    public Task<CronFireOutcome> FireAsync(CronFire fire, Func<CronJobTemplate, CancellationToken, Task<NewJob>> shape, CancellationToken ct = default) =>
        _firer.FireAsync(fire, shape, ct);
}
