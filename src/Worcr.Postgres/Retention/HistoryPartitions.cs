using System.Globalization;
using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// The day partitions of job_history (migration 012): one per final state and UTC day, named
/// job_history_{state}_{yyyyMMdd}. Created ahead of time; dropped once their whole day is past the state's longest
/// retention, after the reports of their jobs (checkpoints, progress, logs) were deleted in batches.
/// </summary>
internal sealed class HistoryPartitions(NpgsqlDataSource dataSource, SchemaSql sql)
{
    private const string AddSql = "SELECT __schema__.job_history_add_partition(@state, @day)";

    private const string ListSql = """
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = to_regclass(@parent)
        """;

    // The reports of a batch of the partition's jobs, by id order from where the last batch stopped.
    // __partition__: the partition's quoted name.
    private static readonly string ClearReportsSql = $"""
        WITH ids AS (
            SELECT id FROM __schema__.__partition__ WHERE id > @after ORDER BY id LIMIT @batch
        ), {JobReportsSql.DeleteOf("ids")}
        SELECT count(*), coalesce(max(id), @after) FROM ids
        """;

    // Dropping a partition locks its parent for a moment; waiting behind a long reader would queue every
    // completion behind the drop, so it gives up quickly and is tried again at the next pass.
    private const string DropSql = "SET LOCAL lock_timeout = '1s'; DROP TABLE __schema__.{0}";

    private const string LockNotAvailable = "55P03";

    /// <summary>Adds the partitions of every state for each day from <paramref name="first"/> to <paramref name="last"/>; returns how many were new.</summary>
    public async Task<int> AddAsync(DateOnly first, DateOnly last, CancellationToken ct)
    {
        var added = 0;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            foreach (var state in HistoryRetention.States)
            {
                await using var command = dataSource.CreateCommand(sql.Format(AddSql)).With("state", state).With("day", day);
                if ((bool)(await command.ExecuteScalarAsync(ct))!) added++;
            }
        }
        return added;
    }

    /// <summary>The day partitions of one state, oldest first.</summary>
    public async Task<IReadOnlyList<HistoryPartition>> ListAsync(string state, CancellationToken ct)
    {
        var prefix = $"job_history_{state}_";
        await using var command = dataSource.CreateCommand(ListSql).With("parent", $"\"{sql.Schema}\".job_history_{state}");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var partitions = new List<HistoryPartition>();
        while (await reader.ReadAsync(ct))
        {
            var name = reader.GetString(0);
            if (name.StartsWith(prefix, StringComparison.Ordinal)
                && DateOnly.TryParseExact(name[prefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                partitions.Add(new HistoryPartition(name, state, day));
            }
        }
        return partitions.OrderBy(p => p.Day).ToList();
    }

    /// <summary>Deletes the reports of up to <paramref name="batch"/> of the partition's jobs with ids above <paramref name="afterId"/>.</summary>
    /// <returns>How many jobs the batch covered and the last id it reached.</returns>
    public async Task<(int Jobs, long LastId)> ClearReportsAsync(HistoryPartition partition, long afterId, int batch, CancellationToken ct)
    {
        var text = sql.Format(ClearReportsSql.Replace("__partition__", Quote(partition.Name), StringComparison.Ordinal));
        await using var command = dataSource.CreateCommand(text).With("after", afterId).With("batch", batch);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return ((int)reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Drops the partition; false when its parent stayed locked (tried again later).</summary>
    public async Task<bool> DropAsync(HistoryPartition partition, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            var text = sql.Format(string.Format(CultureInfo.InvariantCulture, DropSql, Quote(partition.Name)));
            await using var command = new NpgsqlCommand(text, connection, transaction);
            await command.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            return true;
        }
        catch (PostgresException exception) when (exception.SqlState == LockNotAvailable)
        {
            return false;
        }
    }

    // Names come from the catalog and match job_history_{state}_{yyyyMMdd}; quoting keeps them identifiers anyway.
    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>One day partition of job_history: the jobs of <paramref name="State"/> that finished on <paramref name="Day"/> (UTC).</summary>
public sealed record HistoryPartition(string Name, string State, DateOnly Day)
{
    /// <summary>When the last job it can hold finished: the end of its day.</summary>
    public DateTimeOffset End => new(Day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
