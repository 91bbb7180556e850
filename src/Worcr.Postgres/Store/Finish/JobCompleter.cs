using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>
/// Completes a node's batch of completions in one statement, their webhook events included; stale attempts, and
/// attempts whose lease another holder has than the completion names, are simply not matched. The jobs are deleted by
/// <c>delete_running_attempts</c> (migration 015), which finds them through the primary key whatever the statistics
/// and however old the connection's cached plan. A batch naming one attempt twice completes it once.
/// </summary>
internal sealed class JobCompleter(NpgsqlDataSource dataSource, SchemaSql sql)
{
    internal static readonly string CompleteSql = $"""
        WITH input AS (
            SELECT * FROM unnest(@ids, @attempts, @results, @workers, @nodes) WITH ORDINALITY AS i(id, attempt, result, worker_id, node_id, ord)
        ), done AS (
            SELECT (d.job).*, d.result FROM __schema__.delete_running_attempts(@ids, @attempts, @results, @workers, @nodes) d
        ), moved AS (
            {HistorySql.InsertFrom("done", "completed", result: "result")}
            RETURNING {WebhookOutboxSql.HistoryColumns}
        ), webhooks AS (
            {WebhookOutboxSql.InsertFrom("moved")}
        )
        SELECT m.id IS NOT NULL FROM input i LEFT JOIN moved m ON m.id = i.id AND m.attempt = i.attempt ORDER BY i.ord
        """;

    private readonly string _completeSql = sql.Format(CompleteSql);

    public async Task<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<Completion> completions, CancellationToken ct)
    {
        if (completions.Count == 0) return [];
        await using var command = dataSource.CreateCommand(_completeSql)
            .WithArray("ids", NpgsqlDbType.Bigint, completions.Select(c => c.JobId).ToArray())
            .WithArray("attempts", NpgsqlDbType.Integer, completions.Select(c => c.Attempt).ToArray())
            .WithArray("results", NpgsqlDbType.Text, completions.Select(c => c.ResultJson).ToArray())
            .WithArray("workers", NpgsqlDbType.Text, completions.Select(c => c.Holder?.WorkerId).ToArray())
            .WithArray("nodes", NpgsqlDbType.Text, completions.Select(c => c.Holder?.NodeId).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var accepted = new List<bool>(completions.Count);
        while (await reader.ReadAsync(ct)) accepted.Add(reader.GetBoolean(0));
        return accepted;
    }
}
