namespace Worcr.Cli.Bench;

/// <summary>
/// Checks that the worker ran every job exactly once. A figure from a run that lost or repeated jobs is not a
/// figure, so the run fails instead of printing it.
/// </summary>
internal static class ReportAnomalies
{
    public static void Check(WorkerReport report, int expectedJobs)
    {
        var distinct = report.Starts.Select(start => start.JobId).Distinct(StringComparer.Ordinal).Count();
        if (distinct != expectedJobs)
        {
            throw new InvalidOperationException($"The worker started {distinct} distinct jobs, expected {expectedJobs}.");
        }
        if (report.Starts.Count != distinct)
        {
            // A job may legitimately run twice (a lease expired under load); say so, since it inflates the figures.
            Console.Error.WriteLine($"bench: {report.Starts.Count - distinct} job(s) started more than once.");
        }
        if (report.LastCompletionMs is null) throw new InvalidOperationException("The worker reported no completion.");
    }
}
