using Worcr.Server.Maintenance;
using static Worcr.Server.Tests.Maintenance.MaintenanceDatabase;

namespace Worcr.Server.Tests.Maintenance;

public sealed class StatisticsRefresherTests
{
    [Fact]
    public async Task A_pass_analyzes_the_jobs_table_once_it_has_outgrown_what_postgresql_last_measured()
    {
        await using var db = await CreateAsync();
        // Autoanalyze would measure the table too at some point; the point is that the pass does it at once.
        await ScalarAsync(db, "ALTER TABLE __schema__.jobs SET (autovacuum_enabled = off)");
        await db.Jobs.EnqueueAsync(Enumerable.Range(0, 10_000).Select(_ => Job()).ToArray());
        Assert.Equal(-1f, await ScalarAsync(db, "SELECT reltuples FROM pg_class WHERE oid = '__schema__.jobs'::regclass"));

        var ready = await new StatisticsRefresher(db.Statistics, Log<StatisticsRefresher>()).RunOnceAsync(fencingToken: 1, CancellationToken.None);

        Assert.Equal(0, ready);
        Assert.Equal(10_000f, await ScalarAsync(db, "SELECT reltuples FROM pg_class WHERE oid = '__schema__.jobs'::regclass"));
    }

    private static async Task<object?> ScalarAsync(Worcr.Postgres.WorcrDatabase db, string sql)
    {
        await using var command = db.DataSource.CreateCommand(sql.Replace("__schema__", $"\"{db.Schema}\"", StringComparison.Ordinal));
        return await command.ExecuteScalarAsync();
    }
}
