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
    // ATTACH (inside job_history_add_partition, migration 012) takes an exclusive lock on the state's default
    // partition, which every read of job_history by id takes a share of; DROP takes an exclusive lock on the state's
    // table, which every completion inserting into job_history needs. A waiting request for either lock queues every
    // later one of those behind it, so both wait only briefly for a long reader (a report, pg_dump) to let go and
    // otherwise give way, to be tried again at a later pass: partitions are made days ahead and dropped a day late at
    // the earliest, so a pass lost costs nothing. A drop stands in front of completions, the hot path, so it waits less.
    internal static readonly TimeSpan AddLockTimeout = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan DropLockTimeout = TimeSpan.FromMilliseconds(50);

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

    private const string DropSql = "DROP TABLE __schema__.{0}";

    private const string LockTimeoutSql = "SELECT set_config('lock_timeout', @timeout, true)";

    private const string LockNotAvailable = "55P03";

    /// <summary>
    /// Adds the partitions of every state for each day from <paramref name="first"/> to <paramref name="last"/> that do
    /// not exist. Stops at the first that could not get its lock within <see cref="AddLockTimeout"/> (the rest would
    /// wait for the same reader); what it made until then stays.
    /// </summary>
    public async Task<HistoryPartitionsAdded> AddAsync(DateOnly first, DateOnly last, CancellationToken ct)
    {
        var added = 0;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            foreach (var state in HistoryRetention.States)
            {
                var change = await AddOneAsync(state, day, ct);
                if (change == PartitionChange.GaveWay) return new HistoryPartitionsAdded(added, HistoryPartition.Of(state, day));
                if (change == PartitionChange.Made) added++;
            }
        }
        return new HistoryPartitionsAdded(added, null);
    }

    private async Task<PartitionChange> AddOneAsync(string state, DateOnly day, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            await SetLockTimeoutAsync(connection, transaction, AddLockTimeout, ct);
            await using var command = new NpgsqlCommand(sql.Format(AddSql), connection, transaction).With("state", state).With("day", day);
            var made = (bool)(await command.ExecuteScalarAsync(ct))!;
            await transaction.CommitAsync(ct);
            return made ? PartitionChange.Made : PartitionChange.Existed;
        }
        catch (PostgresException exception) when (exception.SqlState == LockNotAvailable)
        {
            return PartitionChange.GaveWay;
        }
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

    /// <summary>Drops the partition; false when its parent stayed locked for <see cref="DropLockTimeout"/> (try again later).</summary>
    public async Task<bool> DropAsync(HistoryPartition partition, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            await SetLockTimeoutAsync(connection, transaction, DropLockTimeout, ct);
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

    // For the transaction only (SET LOCAL): the connection goes back to the pool without a reset.
    private static async Task SetLockTimeoutAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TimeSpan timeout, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(LockTimeoutSql, connection, transaction)
            .With("timeout", $"{(int)timeout.TotalMilliseconds}ms");
        await command.ExecuteScalarAsync(ct);
    }

    // Names come from the catalog and match job_history_{state}_{yyyyMMdd}; quoting keeps them identifiers anyway.
    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>One day partition of job_history: the jobs of <paramref name="State"/> that finished on <paramref name="Day"/> (UTC).</summary>
public sealed record HistoryPartition(string Name, string State, DateOnly Day)
{
    /// <summary>The partition of <paramref name="state"/> for <paramref name="day"/>, by the name migration 012 gives it.</summary>
    public static HistoryPartition Of(string state, DateOnly day) =>
        new($"job_history_{state}_{day.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}", state, day);

    /// <summary>When the last job it can hold finished: the end of its day.</summary>
    public DateTimeOffset End => new(Day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}

/// <summary>
/// What adding day partitions did: how many it made, and the partition it gave way at when another session held
/// job_history past the lock timeout (null when every day was made or already there).
/// </summary>
public sealed record HistoryPartitionsAdded(int Count, HistoryPartition? GaveWayAt);

internal enum PartitionChange
{
    Made,
    Existed,
    GaveWay,
}
