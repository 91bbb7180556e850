using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>Reads the cluster's tables directly, for assertions over many jobs at once.</summary>
internal static class JobCounts
{
    /// <summary>Reads the count of jobs in a state until it reaches <paramref name="expected"/> (the table is the truth).</summary>
    public static Task WaitForCountAsync(this TestCluster cluster, JobState state, long expected, TimeSpan timeout) =>
        Eventually.ReadUntilAsync(() => cluster.CountAsync(state), count => count >= expected, timeout, $"{expected} jobs {state}");

    /// <summary>Finished-job rows per id: how many ids, how many rows, the lowest attempt and the total failures of completed jobs.</summary>
    public static async Task<CompletedSummary> CompletedSummaryAsync(this TestCluster cluster)
    {
        await using var command = cluster.Database.DataSource.CreateCommand(
            $"SELECT count(DISTINCT id), count(*), coalesce(min(attempt), 0), coalesce(sum(failures), 0) FROM \"{cluster.Schema}\".job_history WHERE state = 'completed'");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new CompletedSummary(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetInt64(3));
    }

    /// <summary>Jobs still in the live table (waiting, running, scheduled, failed-and-retrying).</summary>
    public static async Task<long> LiveJobsAsync(this TestCluster cluster)
    {
        await using var command = cluster.Database.DataSource.CreateCommand($"SELECT count(*) FROM \"{cluster.Schema}\".jobs");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

internal sealed record CompletedSummary(long DistinctIds, long Rows, int LowestAttempt, long TotalFailures);
