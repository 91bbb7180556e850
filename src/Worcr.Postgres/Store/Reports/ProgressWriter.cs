using Npgsql;
using NpgsqlTypes;

namespace Worcr.Postgres;

/// <summary>
/// Upserts a batch of progress reports. Not fenced by job state: a node may flush the last progress after the
/// completion, and it should still be kept; an older attempt never overwrites a newer one.
/// </summary>
internal sealed class ProgressWriter(NpgsqlDataSource dataSource, SchemaSql sql)
{
    private const string UpsertSql = """
        INSERT INTO __schema__.job_progress (job_id, name, current, total, text, attempt, updated_at)
        SELECT i.job_id, i.name, i.current, i.total, i.text, i.attempt, now()
        FROM unnest(@job_ids, @names, @currents, @totals, @texts, @attempts) AS i(job_id, name, current, total, text, attempt)
        ON CONFLICT (job_id, name) DO UPDATE
        SET current = EXCLUDED.current, total = EXCLUDED.total, text = EXCLUDED.text,
            attempt = EXCLUDED.attempt, updated_at = EXCLUDED.updated_at
        WHERE EXCLUDED.attempt >= job_progress.attempt
        """;

    private readonly string _upsertSql = sql.Format(UpsertSql);

    public async Task SaveAsync(IReadOnlyList<ProgressUpdate> updates, CancellationToken ct)
    {
        // ON CONFLICT cannot touch one row twice in a statement: keep only the latest update per (job, name).
        var latest = updates.GroupBy(u => (u.JobId, u.Name)).Select(g => g.Last()).ToArray();
        if (latest.Length == 0) return;
        await using var command = dataSource.CreateCommand(_upsertSql)
            .WithArray("job_ids", NpgsqlDbType.Bigint, latest.Select(u => u.JobId).ToArray())
            .WithArray("names", NpgsqlDbType.Text, latest.Select(u => u.Name).ToArray())
            .WithArray("currents", NpgsqlDbType.Bigint, latest.Select(u => u.Current).ToArray())
            .WithArray("totals", NpgsqlDbType.Bigint, latest.Select(u => u.Total).ToArray())
            .WithArray("texts", NpgsqlDbType.Text, latest.Select(u => u.Text).ToArray())
            .WithArray("attempts", NpgsqlDbType.Integer, latest.Select(u => u.Attempt).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }
}
