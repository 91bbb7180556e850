using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Jobs;
using Worcr.Core.Lanes;

namespace Worcr.Postgres;

/// <summary>
/// Inserts a batch of jobs in one transaction with INSERT ... SELECT FROM unnest(...), resolves unique-key
/// duplicates, and sends one NOTIFY listing the new waiting jobs per lane.
/// </summary>
internal sealed class JobEnqueuer(NpgsqlDataSource dataSource, SchemaSql sql, LaneCache lanes, LaneNotifier notifier)
{
    public const int MaxBatch = 10_000;

    // Ids are allocated first so every input row knows its id: RETURNING alone cannot say which input a row came from.
    private const string AllocateIdsSql = "SELECT nextval('__schema__.job_ids') FROM generate_series(1, @count)";

    private const string InsertSql = """
        INSERT INTO __schema__.jobs (id, lane_id, tenant, type, args, state, max_attempts, weight, enqueued_at, run_at, expires_at, unique_key)
        SELECT i.id, i.lane_id, i.tenant, i.type, i.args::jsonb,
               CASE WHEN i.run_at > now() THEN 'scheduled' ELSE 'waiting' END,
               i.max_attempts, i.weight, now(), coalesce(i.run_at, now()), i.expires_at, i.unique_key
        FROM unnest(@ids, @lane_ids, @tenants, @types, @args, @max_attempts, @weights, @run_ats, @expires_ats, @unique_keys)
             AS i(id, lane_id, tenant, type, args, max_attempts, weight, run_at, expires_at, unique_key)
        ORDER BY i.id
        ON CONFLICT (tenant, type, unique_key) WHERE unique_key IS NOT NULL DO NOTHING
        RETURNING id, state
        """;

    private readonly string _allocateIdsSql = sql.Format(AllocateIdsSql);
    private readonly string _insertSql = sql.Format(InsertSql);
    private readonly UniqueKeyLookup _unique = new(sql);

    public async Task<IReadOnlyList<EnqueuedJob>> EnqueueAsync(IReadOnlyList<NewJob> jobs, CancellationToken ct)
    {
        Validate(jobs);
        if (jobs.Count == 0) return [];
        var prepared = jobs.Select(Prepare).ToArray();
        await lanes.ResolveAsync(prepared.Select(p => p.Lane), ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var results = new EnqueuedJob?[prepared.Length];
        foreach (var (index, duplicate) in await _unique.FindWithinWindowAsync(connection, prepared, ct)) results[index] = duplicate;
        var toInsert = prepared.Where(p => results[p.Index] is null).ToArray();
        var ids = await AllocateIdsAsync(connection, toInsert.Length, ct);
        var inserted = await InsertAsync(connection, toInsert, ids, ct);
        for (var i = 0; i < toInsert.Length; i++)
        {
            if (inserted.TryGetValue(ids[i], out var state)) results[toInsert[i].Index] = new EnqueuedJob(ids[i], false, state);
        }
        await FillConflictsAsync(connection, prepared, results, ct);
        var newWaitingLanes = toInsert.Where((_, i) => inserted.GetValueOrDefault(ids[i]) == JobState.Waiting).Select(p => lanes.IdOf(p.Lane));
        await notifier.NotifyAsync(connection, newWaitingLanes, ct);
        await transaction.CommitAsync(ct);
        return results.Select(r => r!).ToArray();
    }

    private static void Validate(IReadOnlyList<NewJob> jobs)
    {
        if (jobs.Count > MaxBatch) throw new ArgumentException($"At most {MaxBatch} jobs per enqueue call; got {jobs.Count}.", nameof(jobs));
        var bad = jobs.FirstOrDefault(j => j.MaxAttempts < 1);
        if (bad is not null) throw new ArgumentException($"MaxAttempts must be at least 1 (job type '{bad.Type}').", nameof(jobs));
    }

    private static PreparedJob Prepare(NewJob job, int index)
    {
        var tags = Lane.NormaliseTags(job.Tags);
        return new PreparedJob(index, job, LaneKey.Of(job.Tenant, job.Type, tags, job.Weight, Lane.NormaliseTags(job.LimitKeys)));
    }

    private async Task<long[]> AllocateIdsAsync(NpgsqlConnection connection, int count, CancellationToken ct)
    {
        var ids = new long[count];
        if (count == 0) return ids;
        await using var command = new NpgsqlCommand(_allocateIdsSql, connection).With("count", count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        for (var i = 0; await reader.ReadAsync(ct); i++) ids[i] = reader.GetInt64(0);
        return ids;
    }

    private async Task<Dictionary<long, JobState>> InsertAsync(NpgsqlConnection connection, PreparedJob[] jobs, long[] ids, CancellationToken ct)
    {
        var inserted = new Dictionary<long, JobState>();
        if (jobs.Length == 0) return inserted;
        await using var command = new NpgsqlCommand(_insertSql, connection)
            .WithArray("ids", NpgsqlDbType.Bigint, ids)
            .WithArray("lane_ids", NpgsqlDbType.Bigint, jobs.Select(p => lanes.IdOf(p.Lane)).ToArray())
            .WithArray("tenants", NpgsqlDbType.Text, jobs.Select(p => p.Job.Tenant).ToArray())
            .WithArray("types", NpgsqlDbType.Text, jobs.Select(p => p.Job.Type).ToArray())
            .WithArray("args", NpgsqlDbType.Text, jobs.Select(p => p.Job.ArgsJson).ToArray())
            .WithArray("max_attempts", NpgsqlDbType.Integer, jobs.Select(p => p.Job.MaxAttempts).ToArray())
            .WithArray("weights", NpgsqlDbType.Double, jobs.Select(p => p.Job.Weight).ToArray())
            .WithArray("run_ats", NpgsqlDbType.TimestampTz, jobs.Select(p => Times.ToUtc(p.Job.RunAt)).ToArray())
            .WithArray("expires_ats", NpgsqlDbType.TimestampTz, jobs.Select(p => Times.ToUtc(p.Job.ExpiresAt)).ToArray())
            .WithArray("unique_keys", NpgsqlDbType.Text, jobs.Select(p => p.Job.UniqueKey).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) inserted[reader.GetInt64(0)] = JobStates.Parse(reader.GetString(1));
        return inserted;
    }

    /// <summary>Jobs skipped by ON CONFLICT duplicate the live job holding their key (possibly one of this batch).</summary>
    private async Task FillConflictsAsync(NpgsqlConnection connection, PreparedJob[] jobs, EnqueuedJob?[] results, CancellationToken ct)
    {
        var conflicted = jobs.Where(p => results[p.Index] is null).ToArray();
        if (conflicted.Length == 0) return;
        var holders = await _unique.FindHoldersAsync(connection, conflicted.Select(p => p.Unique!.Value).ToHashSet(), ct);
        foreach (var job in conflicted)
        {
            results[job.Index] = holders.TryGetValue(job.Unique!.Value, out var holder)
                ? holder
                : throw new InvalidOperationException($"Job with unique key '{job.Job.UniqueKey}' conflicted but its holder was not found.");
        }
    }
}
