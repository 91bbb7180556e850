namespace Worcr.Postgres;

/// <summary>
/// How a statement that finds a job by its id asks that the job be running: <c>state = {Running}</c>, never
/// <c>state = 'running'</c>.
/// <para>
/// jobs_worker and jobs_lease are partial indexes on <c>state = 'running'</c>, so the literal lets the planner reach
/// the job through either of them instead of the primary key. It does so whenever the statistics were taken while
/// no job ran, as autoanalyze finds them after a bulk enqueue: it expects one running row in the whole index, and
/// then reads every running job to find the one it wants (with 20,000 running, 20,000 rows for each completion,
/// failure, yield and checkpoint; bench/RESULTS.md, "Session 14"). A sub-select's value is unknown while planning,
/// so no partial index qualifies and the primary key is the only way in, whatever the statistics say.
/// </para>
/// </summary>
internal static class RunningAttemptSql
{
    public const string Running = "(SELECT 'running')";
}
