namespace Worcr.Server.Maintenance;

/// <summary>
/// Runs a maintainer's batch again while it comes back full, within a time budget per pass. One batch per maintenance
/// interval capped the duty's rate (1,000 jobs a second for the promoter): 100,000 jobs scheduled for the same minute
/// took 100 s to become waiting. The budget keeps the pass short enough for the leader to renew its lock and for the
/// other duties to run; what is left follows in the next pass.
/// </summary>
internal static class BatchCatchUp
{
    /// <returns>How many rows the batches handled in all.</returns>
    public static async Task<int> RunAsync(Func<Task<int>> batch, int batchSize, TimeSpan budget, TimeProvider time)
    {
        var started = time.GetTimestamp();
        var total = 0;
        int handled;
        do
        {
            handled = await batch();
            total += handled;
        }
        while (handled >= batchSize && time.GetElapsedTime(started) < budget);
        return total;
    }
}
