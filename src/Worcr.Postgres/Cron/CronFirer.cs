using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Jobs;
using Worcr.Core.Lanes;

namespace Worcr.Postgres;

/// <summary>
/// Fires one tick in one transaction: the compare-and-set on next_fire_at goes first, so of two leaders racing
/// for the same tick the second blocks on the row lock, then finds next_fire_at moved and writes nothing. The
/// job carries the unique key cron:{name}:{tick}, a second guard should a tick ever be fired again by hand.
/// </summary>
internal sealed class CronFirer(NpgsqlDataSource dataSource, SchemaSql sql, LaneCache lanes, LaneNotifier notifier)
{
    // Returns the job as the row holds it now, under the row lock: a save that changed only the job (type, tenant,
    // args, ...) keeps next_fire_at, so the compare-and-set alone would let a tick fire the job as it was read.
    private const string AdvanceSql = $"""
        UPDATE __schema__.cron_schedules
        SET next_fire_at = @next_fire_at, last_fired_at = now(), last_tick_at = @tick, last_fired_by = @node,
            failures = 0, last_error = NULL, retry_at = NULL
        WHERE name = @name AND enabled AND next_fire_at = @expected
        RETURNING {CronScheduleSql.Columns}
        """;

    // As JobEnqueuer's insert: an enqueue rule may have set run_at (scheduled) or expires_at.
    private const string InsertJobSql = """
        INSERT INTO __schema__.jobs (lane_id, tenant, type, args, state, max_attempts, weight, run_at, expires_at, unique_key, traceparent)
        VALUES (@lane_id, @tenant, @type, @args::jsonb, CASE WHEN @run_at > now() THEN 'scheduled' ELSE 'waiting' END,
                @max_attempts, @weight, coalesce(@run_at, now()), @expires_at, @unique_key, @traceparent)
        ON CONFLICT (tenant, type, unique_key) WHERE unique_key IS NOT NULL DO NOTHING
        RETURNING id, state = 'waiting'
        """;

    private const string LiveHolderSql = "SELECT id FROM __schema__.jobs WHERE tenant = @tenant AND type = @type AND unique_key = @unique_key";

    private const string RecordJobSql = "UPDATE __schema__.cron_schedules SET last_job_id = @job_id WHERE name = @name";

    private readonly string _advanceSql = sql.Format(AdvanceSql);
    private readonly string _insertJobSql = sql.Format(InsertJobSql);
    private readonly string _liveHolderSql = sql.Format(LiveHolderSql);
    private readonly string _recordJobSql = sql.Format(RecordJobSql);

    /// <param name="shape">The job the schedule's template becomes (the node's enqueue policy: rules, limit keys, type
    /// settings); applied to the template as the row holds it under its lock. A failure rolls the fire back.</param>
    public async Task<CronFireOutcome> FireAsync(CronFire fire, Func<CronJobTemplate, CancellationToken, Task<NewJob>> shape, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await AdvanceAsync(connection, fire, ct) is not { } template) return CronFireOutcome.Lost;
        var job = await shape(template, ct);
        var lane = LaneKey.Of(job.Tenant, job.Type, Lane.NormaliseTags(job.Tags), job.Weight, Lane.NormaliseTags(job.LimitKeys));
        var laneId = (await lanes.ResolveAsync([lane], ct))[lane];
        var inserted = await InsertJobAsync(connection, laneId, job, fire.UniqueKey, ct);
        var jobId = inserted?.Id ?? await LiveHolderAsync(connection, job, fire.UniqueKey, ct);
        await using (var record = new NpgsqlCommand(_recordJobSql, connection).With("job_id", jobId).With("name", fire.Schedule.Name))
        {
            await record.ExecuteNonQueryAsync(ct);
        }
        if (inserted is { Waiting: true }) await notifier.NotifyAsync(connection, [laneId], ct);
        await transaction.CommitAsync(ct);
        return new CronFireOutcome(true, jobId);
    }

    /// <summary>The job to enqueue as the schedule holds it now; null when another fire moved the tick first.</summary>
    private async Task<CronJobTemplate?> AdvanceAsync(NpgsqlConnection connection, CronFire fire, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_advanceSql, connection)
            .With("next_fire_at", NpgsqlDbType.TimestampTz, Times.ToUtc(fire.NextFireAt))
            .With("tick", NpgsqlDbType.TimestampTz, fire.Tick.UtcDateTime)
            .With("node", fire.NodeId)
            .With("name", fire.Schedule.Name)
            .With("expected", NpgsqlDbType.TimestampTz, fire.ExpectedNextFireAt.UtcDateTime);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? CronScheduleSql.Read(reader).Definition.Job : null;
    }

    /// <returns>Null when the tick's unique key is held already.</returns>
    private async Task<(long Id, bool Waiting)?> InsertJobAsync(NpgsqlConnection connection, long laneId, NewJob job, string uniqueKey, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_insertJobSql, connection)
            .With("lane_id", laneId).With("tenant", job.Tenant).With("type", job.Type).With("args", job.ArgsJson)
            .With("max_attempts", job.MaxAttempts).With("weight", job.Weight)
            .With("run_at", NpgsqlDbType.TimestampTz, Times.ToUtc(job.RunAt)).With("expires_at", NpgsqlDbType.TimestampTz, Times.ToUtc(job.ExpiresAt))
            .With("unique_key", uniqueKey).With("traceparent", NpgsqlDbType.Text, job.TraceParent);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetBoolean(1)) : null;
    }

    private async Task<long?> LiveHolderAsync(NpgsqlConnection connection, NewJob job, string uniqueKey, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_liveHolderSql, connection)
            .With("tenant", job.Tenant).With("type", job.Type).With("unique_key", uniqueKey);
        return await command.ExecuteScalarAsync(ct) is long id ? id : null;
    }
}
