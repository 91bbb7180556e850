using Npgsql;
using Worcr.Core.Dispatch;

namespace Worcr.Postgres;

/// <summary>
/// Lanes with waiting jobs, for a node's start-up and periodic reconcile of its ready-lane index. Its cost follows
/// the number of lanes with waiting jobs, not the number of jobs: each lane's waiting jobs are counted up to
/// <paramref name="countCap"/> (dispatch only needs to know a lane has work; a capped count says "at least"), and its
/// oldest is the first entry of the claim index. Counting them all read every waiting job every reconcile: 240 ms
/// of a parallel scan per 5 s with a million waiting (bench/RESULTS.md).
/// </summary>
internal sealed class BacklogReader(NpgsqlDataSource dataSource, SchemaSql sql, LaneCache lanes, int countCap = BacklogReader.DefaultCountCap)
{
    /// <summary>Waiting jobs counted per lane, at most: a few ms of index reading for a lane that holds more.</summary>
    public const int DefaultCountCap = 10_000;

    // The lanes come from a skip scan of the claim index (one descent per lane with waiting jobs); each lane's count
    // and oldest come from the first countCap entries of its part of that index. One statement, one snapshot.
    private const string BacklogSql = """
        WITH RECURSIVE waiting_lanes(lane_id) AS (
            (SELECT lane_id FROM __schema__.jobs WHERE state = 'waiting' ORDER BY lane_id LIMIT 1)
            UNION ALL
            SELECT (SELECT j.lane_id FROM __schema__.jobs j
                    WHERE j.state = 'waiting' AND j.lane_id > w.lane_id ORDER BY j.lane_id LIMIT 1)
            FROM waiting_lanes w
            WHERE w.lane_id IS NOT NULL
        )
        SELECT w.lane_id, head.waiting, head.oldest
        FROM waiting_lanes w
        CROSS JOIN LATERAL (
            SELECT count(*) AS waiting, min(first.enqueued_at) AS oldest
            FROM (SELECT j.enqueued_at FROM __schema__.jobs j
                  WHERE j.state = 'waiting' AND j.lane_id = w.lane_id
                  ORDER BY j.enqueued_at, j.id
                  LIMIT __cap__) first
        ) head
        WHERE w.lane_id IS NOT NULL AND head.waiting > 0
        ORDER BY w.lane_id
        """;

    // The cap is written into the statement (an int, not text from outside): the planner then sees the LIMIT it plans for.
    private readonly string _backlogSql = sql.Format(BacklogSql).Replace("__cap__", countCap.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public async Task<IReadOnlyList<LaneBacklog>> ReadAsync(CancellationToken ct)
    {
        var rows = new List<(long LaneId, long Waiting, DateTimeOffset Oldest)>();
        await using (var command = dataSource.CreateCommand(_backlogSql))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetTime(2)));
        }
        var backlog = new List<LaneBacklog>(rows.Count);
        foreach (var row in rows)
        {
            var lane = await lanes.GetAsync(row.LaneId, ct);
            if (lane is not null) backlog.Add(new LaneBacklog(lane, row.Waiting, row.Oldest, CountCapped: row.Waiting >= countCap));
        }
        return backlog;
    }
}
