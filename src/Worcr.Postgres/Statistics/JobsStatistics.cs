using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// Analyzes the jobs table as soon as it has grown severalfold since PostgreSQL last measured it, instead of at
/// autovacuum's next round, a minute or more later.
/// <para>
/// Each connection keeps the plan PostgreSQL made for a prepared statement with the table's size of that moment,
/// until the table's statistics change. A queue table goes from empty to a million rows in seconds, and on an empty
/// table a sequential scan costs nothing: a plan made then finds one job by reading all of them, for every failure,
/// yield, checkpoint and lease renewal, until autoanalyze comes (<c>JobsStatisticsTests</c>; bench/RESULTS.md,
/// "Session 14"). ANALYZE measures the table again and makes every connection of every node plan anew. The claim
/// and the completion hold their plans whatever the statistics (migrations 015 and 016).
/// </para>
/// </summary>
public sealed class JobsStatistics
{
    /// <summary>The table calls for new statistics once it has this many times the pages last measured…</summary>
    public const int GrowthFactor = 2;

    /// <summary>…and at least this many more (1 MB), so a small table is not analyzed again and again.</summary>
    public const long MinimumGrowthPages = 128;

    private const string SizeSql = """
        SELECT c.relpages, pg_relation_size(c.oid) / current_setting('block_size')::bigint
        FROM pg_class c WHERE c.oid = '__schema__.jobs'::regclass
        """;

    // A VACUUM of the table (autovacuum's, often, on a queue) holds the lock ANALYZE needs for as long as it runs, and
    // updates the statistics itself when it ends. So the analyze waits for a later pass while anyone holds or awaits
    // that lock, and SKIP_LOCKED covers a VACUUM starting in between: the maintenance pass never waits for one, and
    // the server log gets no "skipping analyze" warning at every pass.
    private const string BusySql =
        "SELECT EXISTS (SELECT FROM pg_locks l WHERE l.relation = '__schema__.jobs'::regclass AND l.mode = 'ShareUpdateExclusiveLock')";

    private const string AnalyzeSql = "ANALYZE (SKIP_LOCKED) __schema__.jobs";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _sizeSql;
    private readonly string _busySql;
    private readonly string _analyzeSql;

    internal JobsStatistics(NpgsqlDataSource dataSource, SchemaSql sql)
    {
        _dataSource = dataSource;
        _sizeSql = sql.Format(SizeSql);
        _busySql = sql.Format(BusySql);
        _analyzeSql = sql.Format(AnalyzeSql);
    }

    /// <summary>
    /// Analyzes jobs when it has outgrown its statistics and no VACUUM or ANALYZE of it is under way; returns the pages
    /// measured before and now, or null when it did not analyze.
    /// </summary>
    public async Task<JobsGrowth?> AnalyzeIfGrownAsync(CancellationToken ct)
    {
        var growth = await ReadGrowthAsync(ct);
        if (!growth.CallsForAnalyze) return null;
        await using (var busy = _dataSource.CreateCommand(_busySql))
        {
            if ((bool)(await busy.ExecuteScalarAsync(ct))!) return null;
        }
        await using var analyze = _dataSource.CreateCommand(_analyzeSql);
        await analyze.ExecuteNonQueryAsync(ct);
        return growth;
    }

    private async Task<JobsGrowth> ReadGrowthAsync(CancellationToken ct)
    {
        await using var size = _dataSource.CreateCommand(_sizeSql);
        await using var reader = await size.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new JobsGrowth(reader.GetInt32(0), reader.GetInt64(1));
    }
}

/// <summary>The jobs table's size in pages as PostgreSQL last measured it (pg_class.relpages) and as it is.</summary>
public readonly record struct JobsGrowth(long MeasuredPages, long Pages)
{
    public bool CallsForAnalyze =>
        Pages >= JobsStatistics.GrowthFactor * MeasuredPages && Pages - MeasuredPages >= JobsStatistics.MinimumGrowthPages;
}
