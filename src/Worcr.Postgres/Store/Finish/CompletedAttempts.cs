using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>
/// Whether completions are in history as written: the job completed by that attempt and, when the completion names
/// one, that holder. Asked only about completions refused by the retry of a batch whose answer was lost (the
/// connection broke after the statement reached PostgreSQL): that batch may have committed and moved them itself.
/// Only a completion of that attempt by that holder writes such a row, and a completed job never runs again, so the
/// row is proof. <c>state = 'completed'</c> keeps the look-up to the completed partitions, one id probe each.
/// </summary>
internal sealed class CompletedAttempts(NpgsqlDataSource dataSource, SchemaSql sql)
{
    private const string StoredSql = """
        SELECT EXISTS (
            SELECT 1 FROM __schema__.job_history h
            WHERE h.id = i.id AND h.state = 'completed' AND h.attempt = i.attempt
              AND (i.worker_id IS NULL OR (h.worker_id = i.worker_id AND h.node_id = i.node_id)))
        FROM unnest(@ids, @attempts, @workers, @nodes) WITH ORDINALITY AS i(id, attempt, worker_id, node_id, ord)
        ORDER BY i.ord
        """;

    private readonly string _storedSql = sql.Format(StoredSql);

    /// <summary>Per completion, in input order, whether history holds it.</summary>
    public async Task<IReadOnlyList<bool>> AreStoredAsync(IReadOnlyList<Completion> completions, CancellationToken ct)
    {
        if (completions.Count == 0) return [];
        await using var command = dataSource.CreateCommand(_storedSql)
            .WithArray("ids", NpgsqlDbType.Bigint, completions.Select(c => c.JobId).ToArray())
            .WithArray("attempts", NpgsqlDbType.Integer, completions.Select(c => c.Attempt).ToArray())
            .WithArray("workers", NpgsqlDbType.Text, completions.Select(c => c.Holder?.WorkerId).ToArray())
            .WithArray("nodes", NpgsqlDbType.Text, completions.Select(c => c.Holder?.NodeId).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var stored = new List<bool>(completions.Count);
        while (await reader.ReadAsync(ct)) stored.Add(reader.GetBoolean(0));
        return stored;
    }
}
