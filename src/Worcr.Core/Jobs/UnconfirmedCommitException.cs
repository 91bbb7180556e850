namespace Worcr.Core.Jobs;

/// <summary>
/// A write that ends an attempt sent its COMMIT, and the connection broke before PostgreSQL's answer came back: it
/// may have committed or not, and nothing the client holds says which. It is an <see cref="IOException"/> because
/// the caller treats it as PostgreSQL being unreachable and tries again; but a try that then finds the attempt no
/// longer running may be finding this very write's work, so the caller asks PostgreSQL about
/// <see cref="TransactionId"/> (<see cref="IJobLifecycleStore.IsCommittedAsync"/>) before it calls the attempt lost.
/// </summary>
/// <typeparam name="TOutcome">What the write returns when it is stored.</typeparam>
public sealed class UnconfirmedCommitException<TOutcome>(string transactionId, TOutcome outcome, Exception lost)
    : IOException($"PostgreSQL's answer to COMMIT was lost (transaction {transactionId}): {lost.Message}", lost)
{
    /// <summary>The transaction's id in PostgreSQL (<c>pg_current_xact_id()</c>, as text).</summary>
    public string TransactionId { get; } = transactionId;

    /// <summary>What the write would have returned had the answer come: what it stored, if it committed.</summary>
    public TOutcome Outcome { get; } = outcome;
}
