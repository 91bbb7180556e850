using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Jobs;
using Worcr.Core.Lanes;

namespace Worcr.Postgres;

/// <summary>
/// Inserts a batch of jobs with one statement: ids, rows and the one NOTIFY listing the new waiting jobs per lane
/// (<see cref="JobsPayload"/>) all come from one INSERT ... SELECT FROM unnest(...), so a batch without unique keys
/// is a single round trip that commits on its own. Unique keys add a transaction around it: the keys' locks
/// (<see cref="UniqueKeyLocks"/>) and the window lookup before, and the lookup of the jobs that made rows conflict
/// after, all before the commit. One job without a unique key
/// (a lone Enqueue call) takes a simpler statement with the same effect (InsertOneSql).
/// </summary>
internal sealed class JobEnqueuer(NpgsqlDataSource dataSource, SchemaSql sql, LaneCache lanes, string jobsChannel)
{
    public const int MaxBatch = 10_000;

    // input is materialised once (it calls nextval), so ord -> id is fixed; RETURNING alone could not say which
    // input a row came from. Rows with unique keys are inserted in key order whatever order the caller gave: two calls
    // inserting the same keys then meet at the first key they share, one waiting for the other, never each holding a key
    // the other waits for (a deadlock PostgreSQL would end by failing one). The ids keep the input order; among equal
    // keys the earlier job wins. The payload is JobsPayload.Format's: "lane:count" by lane id, or the reconcile word.
    private const string InsertSql = """
        WITH input AS (
            SELECT nextval('__schema__.job_ids') AS id, i.*
            FROM unnest(@lane_ids, @tenants, @types, @args, @max_attempts, @weights, @run_ats, @expires_ats, @unique_keys, @traceparents)
                 WITH ORDINALITY AS i(lane_id, tenant, type, args, max_attempts, weight, run_at, expires_at, unique_key, traceparent, ord)
        ), inserted AS (
            INSERT INTO __schema__.jobs (id, lane_id, tenant, type, args, state, max_attempts, weight, enqueued_at, run_at, expires_at, unique_key, traceparent)
            SELECT i.id, i.lane_id, i.tenant, i.type, i.args::jsonb,
                   CASE WHEN i.run_at > now() THEN 'scheduled' ELSE 'waiting' END,
                   i.max_attempts, i.weight, now(), coalesce(i.run_at, now()), i.expires_at, i.unique_key, i.traceparent
            FROM input i
            ORDER BY i.unique_key IS NOT NULL, i.tenant COLLATE "C", i.type COLLATE "C", i.unique_key COLLATE "C", i.id
            ON CONFLICT (tenant, type, unique_key) WHERE unique_key IS NOT NULL DO NOTHING
            RETURNING id, lane_id, state
        ), waiting AS (
            SELECT string_agg(lane_id || ':' || n, ',' ORDER BY lane_id) AS payload
            FROM (SELECT lane_id, count(*) AS n FROM inserted WHERE state = 'waiting' GROUP BY lane_id) per_lane
        ), notified AS (
            SELECT pg_notify(@channel, CASE WHEN length(payload) > @max_payload THEN @reconcile ELSE payload END)
            FROM waiting WHERE payload IS NOT NULL
        )
        SELECT i.ord, i.id, n.state, (SELECT count(*) FROM notified)
        FROM input i LEFT JOIN inserted n ON n.id = i.id
        ORDER BY i.ord
        """;

    // One job without a unique key, as most single Enqueue calls are: the row, state and NOTIFY of InsertSql
    // without the ordinality CTE, its join and the aggregated payload, about half of InsertSql's time in PostgreSQL
    // for one job (EXPLAIN ANALYZE, bench/RESULTS.md "Session 19"). No unique key, so no conflict to handle. The args still come
    // through unnest, as a one-element array: PostgreSQL folds a cast of a bare parameter (@args::jsonb) while it plans,
    // so args it refuses would fail at Bind rather than Execute, and a Bind error on the use where Npgsql prepares the
    // statement leaves Npgsql's record of it wrong (the next call reads "unexpected backend message DataRow";
    // EnqueueBatcherTests.A_lone_call_postgres_refuses_fails_with_postgres_error_and_frees_its_slot).
    private const string InsertOneSql = """
        WITH inserted AS (
            INSERT INTO __schema__.jobs (id, lane_id, tenant, type, args, state, max_attempts, weight, enqueued_at, run_at, expires_at, traceparent)
            SELECT nextval('__schema__.job_ids'), @lane_id, @tenant, @type, a.args::jsonb,
                   CASE WHEN @run_at > now() THEN 'scheduled' ELSE 'waiting' END,
                   @max_attempts, @weight, now(), coalesce(@run_at, now()), @expires_at, @traceparent
            FROM unnest(@args) AS a(args)
            RETURNING id, lane_id, state
        )
        SELECT id, state, CASE WHEN state = 'waiting' THEN pg_notify(@channel, lane_id || ':1') END FROM inserted
        """;

    private readonly string _insertSql = sql.Format(InsertSql);
    private readonly string _insertOneSql = sql.Format(InsertOneSql);
    private readonly UniqueKeyLookup _unique = new(sql);
    private readonly UniqueKeyLocks _locks = new(sql);

    public async Task<IReadOnlyList<EnqueuedJob>> EnqueueAsync(IReadOnlyList<NewJob> jobs, CancellationToken ct)
    {
        Validate(jobs);
        if (jobs.Count == 0) return [];
        var prepared = jobs.Select(Prepare).ToArray();
        var laneIds = await lanes.ResolveAsync(prepared.Select(p => p.Lane), ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // Without unique keys no row can conflict: the statement alone is the transaction.
        if (prepared is [{ Unique: null } lone]) return [await InsertOneAsync(connection, lone, laneIds[lone.Lane], ct)];
        if (prepared.All(p => p.Unique is null)) return (await InsertAsync(connection, prepared, laneIds, ct)).Select(r => r!).ToArray();
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await _locks.LockAsync(connection, prepared.Where(p => p.Unique is not null).Select(p => p.Unique!.Value).ToHashSet(), ct);
        var results = new EnqueuedJob?[prepared.Length];
        foreach (var (index, duplicate) in await _unique.FindWithinWindowAsync(connection, prepared, ct)) results[index] = duplicate;
        var toInsert = prepared.Where(p => results[p.Index] is null).ToArray();
        var inserted = await InsertAsync(connection, toInsert, laneIds, ct);
        for (var i = 0; i < toInsert.Length; i++) results[toInsert[i].Index] = inserted[i];
        await FillConflictsAsync(connection, prepared, results, ct);
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

    /// <summary>One result per job in input order; null where the row conflicted on its unique key.</summary>
    private async Task<EnqueuedJob?[]> InsertAsync(NpgsqlConnection connection, PreparedJob[] jobs, IReadOnlyDictionary<LaneKey, long> laneIds, CancellationToken ct)
    {
        var results = new EnqueuedJob?[jobs.Length];
        if (jobs.Length == 0) return results;
        await using var command = new NpgsqlCommand(_insertSql, connection)
            .WithArray("lane_ids", NpgsqlDbType.Bigint, jobs.Select(p => laneIds[p.Lane]).ToArray())
            .WithArray("tenants", NpgsqlDbType.Text, jobs.Select(p => p.Job.Tenant).ToArray())
            .WithArray("types", NpgsqlDbType.Text, jobs.Select(p => p.Job.Type).ToArray())
            .WithArray("args", NpgsqlDbType.Text, jobs.Select(p => p.Job.ArgsJson).ToArray())
            .WithArray("max_attempts", NpgsqlDbType.Integer, jobs.Select(p => p.Job.MaxAttempts).ToArray())
            .WithArray("weights", NpgsqlDbType.Double, jobs.Select(p => p.Job.Weight).ToArray())
            .WithArray("run_ats", NpgsqlDbType.TimestampTz, jobs.Select(p => Times.ToUtc(p.Job.RunAt)).ToArray())
            .WithArray("expires_ats", NpgsqlDbType.TimestampTz, jobs.Select(p => Times.ToUtc(p.Job.ExpiresAt)).ToArray())
            .WithArray("unique_keys", NpgsqlDbType.Text, jobs.Select(p => p.Job.UniqueKey).ToArray())
            .WithArray("traceparents", NpgsqlDbType.Text, jobs.Select(p => p.Job.TraceParent).ToArray())
            .With("channel", jobsChannel)
            .With("max_payload", JobsPayload.MaxLength)
            .With("reconcile", JobsPayload.Reconcile);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var ord = (int)reader.GetInt64(0) - 1;
            if (!reader.IsDBNull(2)) results[ord] = new EnqueuedJob(reader.GetInt64(1), false, JobStates.Parse(reader.GetString(2)));
        }
        return results;
    }

    private async Task<EnqueuedJob> InsertOneAsync(NpgsqlConnection connection, PreparedJob prepared, long laneId, CancellationToken ct)
    {
        var job = prepared.Job;
        await using var command = new NpgsqlCommand(_insertOneSql, connection)
            .With("lane_id", NpgsqlDbType.Bigint, laneId)
            .With("tenant", NpgsqlDbType.Text, job.Tenant)
            .With("type", NpgsqlDbType.Text, job.Type)
            .WithArray("args", NpgsqlDbType.Text, new[] { job.ArgsJson })
            .With("max_attempts", NpgsqlDbType.Integer, job.MaxAttempts)
            .With("weight", NpgsqlDbType.Double, job.Weight)
            .With("run_at", NpgsqlDbType.TimestampTz, Times.ToUtc(job.RunAt))
            .With("expires_at", NpgsqlDbType.TimestampTz, Times.ToUtc(job.ExpiresAt))
            .With("traceparent", NpgsqlDbType.Text, job.TraceParent)
            .With("channel", NpgsqlDbType.Text, jobsChannel);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("The insert of one job returned no row.");
        return new EnqueuedJob(reader.GetInt64(0), false, JobStates.Parse(reader.GetString(1)));
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
