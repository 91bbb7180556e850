using System.Diagnostics;
using System.Globalization;
using Worcr.Core.Jobs;
using Worcr.Postgres;

namespace Worcr.Cli.Bench;

/// <summary>
/// Does the claim path stay flat while job_history grows? At each history size (rows spread over the last seven
/// days' partitions, written straight by SQL), the store enqueues a backlog and then claims it in batches and
/// completes each batch (which moves it to history), as a node does; the figure is jobs per second through that
/// claim-and-complete loop. No node, no Redis: only the store, so the figures show PostgreSQL's side alone.
/// </summary>
internal sealed class HistoryBenchmark(IReadOnlyList<long> historySizes, int jobs, int batch)
{
    public JsonLine Parameters => new JsonLine().Add("system", "worcr").Add("workload", "history")
        .Add("history_sizes", string.Join(',', historySizes)).Add("jobs", jobs).Add("batch", batch);

    public async Task<IReadOnlyDictionary<string, double>> RunOnceAsync(string postgresUrl)
    {
        var schema = $"bench_history_{Guid.NewGuid():N}"[..30];
        await using var database = WorcrDatabase.Create(postgresUrl, schema);
        await database.MigrateAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await database.Retention.AddHistoryPartitionsAsync(today.AddDays(-7), today.AddDays(3));
        var figures = new Dictionary<string, double>();
        long rows = 0;
        try
        {
            foreach (var size in historySizes)
            {
                Console.Error.WriteLine($"bench: history at {size:N0} rows...");
                rows = await GrowHistoryAsync(database, rows, size);
                figures[$"jobs_per_s_at_{size}"] = await ClaimAndCompleteAsync(database);
                rows += jobs;
            }
            figures["last_over_first"] = figures[$"jobs_per_s_at_{historySizes[^1]}"] / figures[$"jobs_per_s_at_{historySizes[0]}"];
        }
        finally
        {
            await using var drop = database.DataSource.CreateCommand($"DROP SCHEMA \"{schema}\" CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
        return figures;
    }

    /// <summary>Adds finished jobs until history holds <paramref name="target"/> rows, in chunks of 500,000.</summary>
    private static async Task<long> GrowHistoryAsync(WorcrDatabase database, long rows, long target)
    {
        while (rows < target)
        {
            var chunk = Math.Min(500_000, target - rows);
            await using var command = database.DataSource.CreateCommand(string.Create(CultureInfo.InvariantCulture, $$"""
                INSERT INTO "{{database.Schema}}".job_history (id, lane_id, tenant, type, args, state, attempt, failures, max_attempts,
                    weight, enqueued_at, run_at, finished_at, result)
                SELECT nextval('"{{database.Schema}}".job_ids'), 1, 'tenant-' || (i % 50), 'bench.history', '{"n":1}',
                       CASE WHEN i % 20 = 0 THEN 'dead' ELSE 'completed' END, 1, 0, 3, 1, f, f, f, 'ok'
                FROM generate_series(1, {{chunk}}) i, LATERAL (SELECT now() - (i % 600000) * interval '1 second' AS f) t;
                ANALYZE "{{database.Schema}}".job_history;
                """));
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync();
            rows += chunk;
        }
        return rows;
    }

    private async Task<double> ClaimAndCompleteAsync(WorcrDatabase database)
    {
        var spec = new NewJob("acme", "bench.history", [], """{"n":1}""", 1, 3, null, null, null, null);
        for (var enqueued = 0; enqueued < jobs; enqueued += 1000)
        {
            await database.Jobs.EnqueueAsync(Enumerable.Repeat(spec, Math.Min(1000, jobs - enqueued)).ToList());
        }
        var lane = (await database.Jobs.ReadBacklogAsync()).Single().Lane.Id;
        var watch = Stopwatch.StartNew();
        var done = 0;
        while (done < jobs)
        {
            var claimed = await database.Jobs.ClaimAsync(lane, batch, "bench-worker", "bench-node", TimeSpan.FromMinutes(5));
            if (claimed.Count == 0) throw new InvalidOperationException($"Only {done} of {jobs} jobs could be claimed.");
            await database.Jobs.CompleteAsync(claimed.Select(j => new Completion(j.Id, j.Attempt, "\"ok\"")).ToList());
            done += claimed.Count;
        }
        return done / watch.Elapsed.TotalSeconds;
    }
}
