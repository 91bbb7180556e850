using Npgsql;
using NpgsqlTypes;

namespace Worcr.Postgres;

/// <summary>
/// Upserts a batch of progress reports. Not fenced by job state: a node may flush the last progress after the
/// completion, and it should still be kept; an older attempt never overwrites a newer one. The same statement
/// writes the webhook events of the progress milestones crossed.
/// </summary>
internal sealed class ProgressWriter(NpgsqlDataSource dataSource, SchemaSql sql)
{
    // The statement ends with the webhook milestones the upsert crossed; "before" reads the rows as they were.
    private static readonly string UpsertSql = $"""
        WITH input AS (
            SELECT * FROM unnest(@job_ids, @names, @currents, @totals, @texts, @attempts) AS i(job_id, name, current, total, text, attempt)
        ), before AS (
            SELECT p.job_id, p.name, p.current, p.total, p.attempt
            FROM __schema__.job_progress p JOIN input i ON i.job_id = p.job_id AND i.name = p.name
        ), saved AS (
            INSERT INTO __schema__.job_progress (job_id, name, current, total, text, attempt, updated_at)
            SELECT i.job_id, i.name, i.current, i.total, i.text, i.attempt, now()
            FROM input i
            ON CONFLICT (job_id, name) DO UPDATE
            SET current = EXCLUDED.current, total = EXCLUDED.total, text = EXCLUDED.text,
                attempt = EXCLUDED.attempt, updated_at = EXCLUDED.updated_at
            WHERE EXCLUDED.attempt >= job_progress.attempt
            RETURNING job_id, name, current, total, attempt
        )
        {WebhookOutboxSql.ProgressFrom("saved", "before")}
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
