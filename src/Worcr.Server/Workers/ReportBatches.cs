using Npgsql;

namespace Worcr.Server.Workers;

/// <summary>
/// Writes a batch of report rows so that one row PostgreSQL refuses for its content cannot hold back the rest: a
/// refused batch is split in halves, again and again, until the refused row stands alone and is dropped (logged).
/// Any other failure (PostgreSQL unreachable, restarting) is thrown: the caller keeps the batch and retries it (should
/// that happen halfway through a split, halves already written are written again: a log line may then appear twice).
/// </summary>
internal static class ReportBatches
{
    /// <summary>Progress updates; returns how many rows were written.</summary>
    public static Task<int> WriteAsync(IReadOnlyList<Postgres.ProgressUpdate> rows, Func<IReadOnlyList<Postgres.ProgressUpdate>, Task> write,
        Action<long, Exception> dropped) =>
        WriteAsync(rows, row => row.JobId, write, dropped);

    /// <summary>Log lines; returns how many rows were written.</summary>
    public static Task<int> WriteAsync(IReadOnlyList<Postgres.LogEntry> rows, Func<IReadOnlyList<Postgres.LogEntry>, Task> write,
        Action<long, Exception> dropped) =>
        WriteAsync(rows, row => row.JobId, write, dropped);

    private static async Task<int> WriteAsync<T>(IReadOnlyList<T> rows, Func<T, long> jobOf, Func<IReadOnlyList<T>, Task> write, Action<long, Exception> dropped)
    {
        if (rows.Count == 0) return 0;
        try
        {
            await write(rows);
            return rows.Count;
        }
        catch (Exception exception) when (RefusesContent(exception))
        {
            if (rows.Count == 1)
            {
                dropped(jobOf(rows[0]), exception);
                return 0;
            }
            var half = rows.Count / 2;
            var first = await WriteAsync(rows.Take(half).ToList(), jobOf, write, dropped);
            return first + await WriteAsync(rows.Skip(half).ToList(), jobOf, write, dropped);
        }
    }

    /// <summary>
    /// The data itself is refused (SQLSTATE class 22 data exception, 23 integrity, 54 program limit), or cannot
    /// even be encoded: retrying the same rows cannot help, unlike a lost connection.
    /// </summary>
    public static bool RefusesContent(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("22", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("23", StringComparison.Ordinal) || postgres.SqlState.StartsWith("54", StringComparison.Ordinal),
        ArgumentException or InvalidCastException => true,
        _ => exception.InnerException is { } inner && RefusesContent(inner),
    };
}
