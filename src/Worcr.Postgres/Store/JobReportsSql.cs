namespace Worcr.Postgres;

/// <summary>What workers reported about a job (checkpoints, progress, logs) goes with it: one SQL fragment for every delete of finished jobs.</summary>
internal static class JobReportsSql
{
    /// <summary>CTEs, to follow others in a WITH list, deleting the reports of the job ids in CTE <paramref name="source"/> (column id).</summary>
    public static string DeleteOf(string source) => $"""
        checkpoints AS (
            DELETE FROM __schema__.job_checkpoints WHERE job_id IN (SELECT id FROM {source})
        ), progress AS (
            DELETE FROM __schema__.job_progress WHERE job_id IN (SELECT id FROM {source})
        ), logs AS (
            DELETE FROM __schema__.job_logs WHERE job_id IN (SELECT id FROM {source})
        )
        """;
}
