using System.Data;
using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>
/// The numbers behind the overview page in one round trip (and its commit), all from one snapshot. The live jobs
/// table (unfinished jobs only) is read in one pass, grouped three ways at once, but never more than about
/// <see cref="ExactRows"/> of it: past that size
/// (by the planner's row estimate, pg_class.reltuples) it reads a block sample of that many rows
/// (TABLESAMPLE SYSTEM) and scales the counts up, and says so (<see cref="OverviewCounts.Estimated"/>), so a page
/// open in a browser costs the same with a million jobs waiting as with a thousand. job_history is read only from
/// <c>sinceBucket</c> on, through its finished_at index, so a caller that keeps the buckets it already closed reads
/// a few seconds of history per call instead of the whole window.
/// </summary>
internal sealed class OverviewReader(NpgsqlDataSource dataSource, SchemaSql sql, LaneCache lanes, int exactRows = OverviewReader.ExactRows)
{
    public const int TopRows = 50;

    /// <summary>Up to this many unfinished jobs the overview counts exactly; above, it samples about this many.</summary>
    public const int ExactRows = 20_000;

    // pct: the share of the table's blocks read, 100 (every row, exact) while the table holds at most @exact rows.
    private const string LiveSql = """
        WITH p AS (
            SELECT least(100, 100.0 * @exact / greatest(c.reltuples, 1))::float4 AS pct
            FROM pg_class c WHERE c.oid = '__schema__.jobs'::regclass
        ), g AS (
            SELECT tenant, lane_id, state, eb, round(count(*) * 100 / (SELECT pct FROM p))::bigint AS n, GROUPING(tenant, lane_id, eb) AS gs
            FROM (SELECT tenant, lane_id, state,
                         CASE WHEN enqueued_at >= to_timestamp(@first * @step) THEN floor(extract(epoch FROM enqueued_at) / @step)::bigint END AS eb
                  FROM __schema__.jobs TABLESAMPLE SYSTEM ((SELECT pct FROM p))) j
            GROUP BY GROUPING SETS ((state, eb), (tenant, state), (lane_id, state))
        )
        SELECT 's', state, NULL::text, eb, n, 0::bigint FROM g WHERE gs = 6
        UNION ALL
        (SELECT 't', NULL, tenant, NULL, coalesce(sum(n) FILTER (WHERE state = 'waiting'), 0)::bigint,
                coalesce(sum(n) FILTER (WHERE state = 'running'), 0)::bigint
         FROM g WHERE gs = 3 GROUP BY tenant ORDER BY 5 DESC, 6 DESC, 3 LIMIT @top)
        UNION ALL
        (SELECT 'l', NULL, lane_id::text, NULL, n, 0 FROM g WHERE gs = 5 AND state = 'waiting' ORDER BY n DESC, lane_id LIMIT @top)
        UNION ALL
        SELECT 'e', NULL, NULL, NULL, 0, 0 FROM p WHERE pct < 100
        """;

    private const string FinishedSql = """
        SELECT floor(extract(epoch FROM finished_at) / @step)::bigint, state,
               CASE WHEN enqueued_at >= to_timestamp(@first * @step) THEN floor(extract(epoch FROM enqueued_at) / @step)::bigint END,
               count(*)
        FROM __schema__.job_history WHERE finished_at >= to_timestamp(@since * @step)
        GROUP BY 1, 2, 3
        """;

    // Jobs that ran to an end: completed or dead (expired and cancelled ones may never have run).
    private const string LatencySql = """
        SELECT floor(extract(epoch FROM finished_at) / @step)::bigint,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - run_at)) * 1000,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - run_at)) * 1000
        FROM __schema__.job_history WHERE finished_at >= to_timestamp(@since * @step) AND state IN ('completed', 'dead')
        GROUP BY 1
        """;

    private readonly string[] _queries = ["SELECT now()", sql.Format(LiveSql), sql.Format(FinishedSql), sql.Format(LatencySql)];

    /// <param name="stepSeconds">The bucket width.</param>
    /// <param name="firstBucket">The window's first bucket: older enqueue times count as "before the window".</param>
    /// <param name="sinceBucket">Finished jobs are read from this bucket on.</param>
    public async Task<OverviewCounts> ReadAsync(int stepSeconds, long firstBucket, long sinceBucket, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot for the four statements: under read committed each takes its own, and a job finishing between
        // the live count and the history read was counted both running and completed.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var text in _queries)
        {
            var command = new NpgsqlBatchCommand(text);
            command.Parameters.Add(new NpgsqlParameter("step", NpgsqlDbType.Double) { Value = (double)stepSeconds });
            command.Parameters.Add(new NpgsqlParameter("first", NpgsqlDbType.Bigint) { Value = firstBucket });
            command.Parameters.Add(new NpgsqlParameter("since", NpgsqlDbType.Bigint) { Value = sinceBucket });
            command.Parameters.Add(new NpgsqlParameter("top", NpgsqlDbType.Integer) { Value = TopRows });
            command.Parameters.Add(new NpgsqlParameter("exact", NpgsqlDbType.Integer) { Value = exactRows });
            batch.BatchCommands.Add(command);
        }
        var live = new Dictionary<JobState, long>();
        var enqueued = new Dictionary<long, long>();
        var tenants = new List<TenantBacklog>();
        var laneRows = new List<(long LaneId, long Waiting)>();
        var finished = new List<FinishedCount>();
        var latencies = new List<BucketLatency>();
        DateTimeOffset now;
        var estimated = false;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            now = reader.GetTime(0);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) estimated |= ReadLiveRow(reader, live, enqueued, tenants, laneRows);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                finished.Add(new FinishedCount(reader.GetInt64(0), JobStates.Parse(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetInt64(3)));
            }
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) latencies.Add(new BucketLatency(reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2)));
        }
        await transaction.CommitAsync(ct);
        var laneList = new List<LaneWaiting>(laneRows.Count);
        foreach (var (laneId, waiting) in laneRows)
        {
            if (await lanes.GetAsync(laneId, ct) is { } lane) laneList.Add(new LaneWaiting(lane, waiting));
        }
        return new OverviewCounts(now, live, tenants, laneList, enqueued, finished, latencies) { Estimated = estimated };
    }

    /// <returns>True for the row that says the counts are scaled up from a sample.</returns>
    private static bool ReadLiveRow(NpgsqlDataReader reader, Dictionary<JobState, long> live, Dictionary<long, long> enqueued,
        List<TenantBacklog> tenants, List<(long, long)> lanes)
    {
        switch (reader.GetString(0))
        {
            case "e":
                return true;
            case "s":
                var state = JobStates.Parse(reader.GetString(1));
                live[state] = live.GetValueOrDefault(state) + reader.GetInt64(4);
                if (!reader.IsDBNull(3)) enqueued[reader.GetInt64(3)] = enqueued.GetValueOrDefault(reader.GetInt64(3)) + reader.GetInt64(4);
                break;
            case "t":
                tenants.Add(new TenantBacklog(reader.GetString(2), reader.GetInt64(4), reader.GetInt64(5)));
                break;
            default:
                lanes.Add((long.Parse(reader.GetString(2), System.Globalization.CultureInfo.InvariantCulture), reader.GetInt64(4)));
                break;
        }
        return false;
    }
}
