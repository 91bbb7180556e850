using Npgsql;
using Worcr.Core.Dispatch;

namespace Worcr.Postgres;

/// <summary>Lanes with waiting jobs, for a node's start-up and periodic reconcile of its ready-lane index.</summary>
internal sealed class BacklogReader(NpgsqlDataSource dataSource, SchemaSql sql, LaneCache lanes)
{
    private const string BacklogSql = """
        SELECT lane_id, count(*), min(enqueued_at)
        FROM __schema__.jobs
        WHERE state = 'waiting'
        GROUP BY lane_id
        ORDER BY lane_id
        """;

    private readonly string _backlogSql = sql.Format(BacklogSql);

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
            if (lane is not null) backlog.Add(new LaneBacklog(lane, row.Waiting, row.Oldest));
        }
        return backlog;
    }
}
