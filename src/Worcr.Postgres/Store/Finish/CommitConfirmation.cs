using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>
/// How a write that ends an attempt (a fail, a yield) learns, once its connection broke during COMMIT, whether it
/// committed. Its first statement also reads the transaction's id (<see cref="TransactionIdSql"/>); a COMMIT that gets
/// no answer is thrown as an <see cref="UnconfirmedCommitException{TOutcome}"/> carrying that id and the write's
/// outcome, and <c>pg_xact_status</c> answers later. Without this, the retry of a write that had committed found the
/// attempt ended (by itself) and the worker was told its outcome was refused. PostgreSQL documents the function for
/// this very case: a client that lost its connection while a COMMIT was in progress.
/// </summary>
internal sealed class CommitConfirmation(NpgsqlDataSource dataSource)
{
    /// <summary>A column for the write's first statement: the transaction's id, assigned now if it had none.</summary>
    public const string TransactionIdSql = "pg_current_xact_id()::text";

    private const string StatusSql = "SELECT pg_xact_status(@xid::xid8)";

    /// <summary>True when committed; false when rolled back, still in progress, or too old to be known.</summary>
    public async Task<bool> IsCommittedAsync(string transactionId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(StatusSql).With("xid", transactionId);
        return await command.ExecuteScalarAsync(ct) is "committed";
    }

    /// <summary>Commits the write that returns <paramref name="outcome"/>; a lost answer is thrown as unconfirmed.</summary>
    public static async Task CommitAsync<TOutcome>(NpgsqlTransaction transaction, string transactionId, TOutcome outcome, CancellationToken ct)
    {
        try
        {
            await transaction.CommitAsync(ct);
        }
        catch (Exception exception) when (AnswerLost(exception))
        {
            throw new UnconfirmedCommitException<TOutcome>(transactionId, outcome, exception);
        }
    }

    // A PostgresException is the server's own answer: the COMMIT failed and nothing was stored. Any other error of the
    // connection means no answer came, whatever the server did.
    internal static bool AnswerLost(Exception exception) =>
        exception is NpgsqlException and not PostgresException or IOException or TimeoutException;
}
