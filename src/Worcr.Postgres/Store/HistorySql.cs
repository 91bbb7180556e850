namespace Worcr.Postgres;

/// <summary>
/// SQL fragments that move finished rows into job_history. Callers delete the rows from jobs in a CTE
/// (DELETE ... RETURNING) and insert them here in the same statement, so a job is always in exactly one table.
/// </summary>
internal static class HistorySql
{
    private const string Columns =
        "id, lane_id, tenant, type, args, state, attempt, failures, max_attempts, weight, enqueued_at, run_at, expires_at, " +
        "unique_key, last_error, worker_id, node_id, finished_at, result, traceparent";

    /// <summary>INSERT INTO job_history from <paramref name="source"/> (a CTE of deleted jobs rows), as <paramref name="state"/>.</summary>
    public static string InsertFrom(string source, string state, string failures = "failures", string lastError = "last_error", string result = "NULL") =>
        $"""
        INSERT INTO __schema__.job_history ({Columns})
        SELECT id, lane_id, tenant, type, args, '{state}', attempt, {failures}, max_attempts, weight, enqueued_at, run_at, expires_at,
               unique_key, {lastError}, worker_id, node_id, now(), {result}, traceparent
        FROM {source}
        """;
}
