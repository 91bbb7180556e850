using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>Scheduled jobs and failed jobs whose retry time came (DB clock) become waiting.</summary>
internal sealed class DuePromoter(NpgsqlDataSource dataSource, SchemaSql sql, LaneNotifier notifier)
{
    private const string PromoteSql = """
        WITH due AS (
            SELECT id FROM __schema__.jobs
            WHERE state IN ('scheduled', 'failed') AND run_at <= now()
            ORDER BY run_at
            LIMIT @limit
            FOR UPDATE SKIP LOCKED
        )
        UPDATE __schema__.jobs j SET state = 'waiting'
        FROM due WHERE j.id = due.id
        RETURNING j.lane_id, j.id, j.tenant, j.attempt
        """;

    private const string NextDueSql = "SELECT min(run_at) FROM __schema__.jobs WHERE state IN ('scheduled', 'failed')";

    private readonly string _promoteSql = sql.Format(PromoteSql);
    private readonly string _nextDueSql = sql.Format(NextDueSql);

    /// <summary>Promotes up to <paramref name="limit"/> due jobs; returns each one as it is now (waiting).</summary>
    public async Task<IReadOnlyList<JobStateRecord>> PromoteAsync(int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var lanes = new List<long>();
        var promoted = new List<JobStateRecord>();
        await using (var command = new NpgsqlCommand(_promoteSql, connection).With("limit", limit))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                lanes.Add(reader.GetInt64(0));
                promoted.Add(new JobStateRecord(reader.GetInt64(1), reader.GetString(2), JobState.Waiting, reader.GetInt32(3), null));
            }
        }
        await notifier.NotifyAsync(connection, lanes, ct);
        await transaction.CommitAsync(ct);
        return promoted;
    }

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(_nextDueSql);
        return await command.ExecuteScalarAsync(ct) is DateTime due ? new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)) : null;
    }
}
