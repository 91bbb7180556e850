using Npgsql;
using NpgsqlTypes;

namespace Worcr.Postgres;

/// <summary>
/// Deletes finished jobs past their own retention row by row, with their checkpoints, progress and logs, in one
/// statement per batch. Only two kinds of rows need it; everything else goes with its day partition: rows in a
/// state's default partition (from before partitioning, or written while no day partition existed), and rows a
/// tenant or type setting keeps for less than the state's longest retention.
/// </summary>
internal sealed class HistoryRowDeleter(NpgsqlDataSource dataSource, SchemaSql sql)
{
    // __table__: the table; __condition__: an extra condition. A job's keep: the longer of its tenant's and its type's, else the default.
    private static readonly string DeleteSql = $"""
        WITH doomed AS (
            SELECT h.id, h.finished_at FROM __schema__.__table__ h
            LEFT JOIN unnest(@tenants, @tenant_keeps) AS t(name, keep) ON t.name = h.tenant
            LEFT JOIN unnest(@types, @type_keeps) AS y(name, keep) ON y.name = h.type
            WHERE h.state = @state AND h.finished_at < @now - @shortest
              AND h.finished_at < @now - coalesce(greatest(t.keep, y.keep), @default_keep) __condition__
            LIMIT @batch
        ), gone AS (
            DELETE FROM __schema__.__table__ h USING doomed d WHERE h.id = d.id AND h.finished_at = d.finished_at RETURNING h.id
        ), {JobReportsSql.DeleteOf("gone")}
        SELECT count(*) FROM gone
        """;

    // Rows kept as long as the longest retention are left to their partition's drop.
    private const string ShorterOnly = "AND coalesce(greatest(t.keep, y.keep), @default_keep) < @longest";

    /// <summary>Rows of the state's default partition past their retention.</summary>
    public Task<int> DeleteFromDefaultAsync(HistoryRetention retention, DateTimeOffset now, int batch, CancellationToken ct) =>
        DeleteAsync($"job_history_{retention.State}_default", "", retention, now, batch, ct);

    /// <summary>Rows that a shorter tenant or type retention ends before their partition is dropped.</summary>
    public Task<int> DeleteShorterLivedAsync(HistoryRetention retention, DateTimeOffset now, int batch, CancellationToken ct) =>
        retention.HasShorterThanLongest ? DeleteAsync($"job_history_{retention.State}", ShorterOnly, retention, now, batch, ct) : Task.FromResult(0);

    private async Task<int> DeleteAsync(string table, string condition, HistoryRetention retention, DateTimeOffset now, int batch, CancellationToken ct)
    {
        var text = sql.Format(DeleteSql.Replace("__table__", table, StringComparison.Ordinal).Replace("__condition__", condition, StringComparison.Ordinal));
        await using var command = dataSource.CreateCommand(text)
            .WithArray("tenants", NpgsqlDbType.Text, retention.ByTenant.Keys.ToArray())
            .WithArray("tenant_keeps", NpgsqlDbType.Interval, retention.ByTenant.Values.ToArray())
            .WithArray("types", NpgsqlDbType.Text, retention.ByType.Keys.ToArray())
            .WithArray("type_keeps", NpgsqlDbType.Interval, retention.ByType.Values.ToArray())
            .With("state", retention.State)
            .With("now", NpgsqlDbType.TimestampTz, now.UtcDateTime)
            .With("shortest", NpgsqlDbType.Interval, retention.Shortest)
            .With("longest", NpgsqlDbType.Interval, retention.Longest)
            .With("default_keep", NpgsqlDbType.Interval, retention.Default)
            .With("batch", batch);
        return (int)(long)(await command.ExecuteScalarAsync(ct))!;
    }
}
