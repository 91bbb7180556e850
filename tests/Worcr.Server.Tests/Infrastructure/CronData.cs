using System.Globalization;
using Worcr.Core.Jobs;
using Worcr.Postgres;
using Worcr.Server.Hosting;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>Reads what cron schedules enqueued, from both jobs tables, for assertions.</summary>
internal static class CronData
{
    public static CronScheduleDefinition Schedule(string name, string expression, string origin = "api") =>
        new(name, expression, "UTC", new CronJobTemplate("test.echo", "acme", [], "{}", 1, 3), true, origin);

    /// <summary>For tests of the store alone: the schedule's job as its template says, with no enqueue policy applied.</summary>
    public static Task<NewJob> AsStored(CronJobTemplate job, CancellationToken ct) =>
        Task.FromResult(new NewJob(job.Tenant, job.Type, job.Tags, job.ArgsJson, job.Weight, job.MaxAttempts ?? new RetryOptions().DefaultMaxAttempts, null, null, null, null));

    /// <summary>Every job (live or finished) a schedule enqueued: its unique key's tick and how many rows carry that key.</summary>
    public static async Task<List<(DateTimeOffset Tick, long Rows)>> FiredTicksAsync(this TestCluster cluster, string name)
    {
        await using var command = cluster.Database.DataSource.CreateCommand($"""
            SELECT unique_key, count(*) FROM (
                SELECT unique_key FROM "{cluster.Schema}".jobs WHERE unique_key LIKE @prefix
                UNION ALL
                SELECT unique_key FROM "{cluster.Schema}".job_history WHERE unique_key LIKE @prefix) k
            GROUP BY unique_key ORDER BY unique_key
            """);
        command.Parameters.AddWithValue("prefix", $"cron:{name}:%");
        await using var reader = await command.ExecuteReaderAsync();
        var ticks = new List<(DateTimeOffset, long)>();
        while (await reader.ReadAsync())
        {
            var seconds = long.Parse(reader.GetString(0).Split(':')[^1], CultureInfo.InvariantCulture);
            ticks.Add((DateTimeOffset.FromUnixTimeSeconds(seconds), reader.GetInt64(1)));
        }
        return ticks;
    }

    /// <summary>
    /// Reads the fired ticks now and after each maintenance pass of any node (cron fires inside the leader's pass)
    /// until <paramref name="done"/> holds for them (the tables are the truth).
    /// </summary>
    public static async Task<List<(DateTimeOffset Tick, long Rows)>> WaitForTicksAsync(this TestCluster cluster, string name,
        Func<List<(DateTimeOffset Tick, long Rows)>, bool> done, TimeSpan timeout)
    {
        if (cluster.Nodes.Count == 0) throw new InvalidOperationException("No node runs cron in this cluster.");
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var nextPass = Task.WhenAny(cluster.Nodes.Select(node => node.Signals.MaintenanceRounds.NextAsync()));
            var ticks = await cluster.FiredTicksAsync(name);
            if (done(ticks)) return ticks;
            if (deadline.IsCancellationRequested) throw new TimeoutException($"Schedule '{name}' fired {ticks.Count} tick(s); the wait's condition never held.");
            await ((Task)nextPass).WaitAsync(deadline.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
