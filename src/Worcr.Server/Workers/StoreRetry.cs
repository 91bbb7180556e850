using System.Data.Common;
using Worcr.Core.Jobs;
using Worcr.Core.Retries;

namespace Worcr.Server.Workers;

/// <summary>
/// How the node keeps a worker's outcome that PostgreSQL could not take (restarting, failing over, a lost
/// connection): it tries again with backoff, keeping the worker's report, until the outcome is stored or the node
/// stopped <see cref="StopPatience"/> ago. Answering "not stored" would leave the job running with its lease renewed
/// by the worker's heartbeats, and nothing would ever pick it up again; ending the stream would cost every other job
/// on it an attempt. The completion batcher stores its batches under this policy; a fail or a yield is stored alone
/// (<see cref="StoreAsync"/>).
/// </summary>
internal sealed class StoreRetry
{
    private readonly CancellationTokenSource _giveUp = new();
    private int _stopping;

    /// <param name="backoff">Between tries after a failure: 50 ms doubling to 2 s, with a little jitter, by default.</param>
    public StoreRetry(RetryBackoff? backoff = null)
    {
        Backoff = backoff ?? new RetryBackoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2), jitter: 0.2);
    }

    public RetryBackoff Backoff { get; }

    /// <summary>How long a stopping node keeps trying to store what its workers sent (counted from when it starts waiting for its streams to settle).</summary>
    public TimeSpan StopPatience { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Cancelled <see cref="StopPatience"/> after the node began to stop: what is not stored by then is given up.</summary>
    public CancellationToken GiveUp => _giveUp.Token;

    /// <summary>
    /// The node is stopping: what it holds gets <see cref="StopPatience"/> more to be stored, counted from the first
    /// call (the node starts it while it waits for its streams, the completion writer's stop calls it again).
    /// </summary>
    public void NodeStopping()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0) _giveUp.CancelAfter(StopPatience);
    }

    /// <summary>Waits before the next try after the <paramref name="failures"/>-th failure; ends early at <see cref="GiveUp"/>.</summary>
    public Task PauseAsync(int failures) => Task.Delay(Backoff.DelayAfter(failures), GiveUp);

    /// <summary>
    /// Runs <paramref name="write"/> until PostgreSQL takes it. Fails with the write's own error when PostgreSQL
    /// refuses it for its content or any error other than its being unreachable (retrying cannot help), and with
    /// <see cref="OperationCanceledException"/> when the node gave up.
    /// </summary>
    /// <param name="failed">Called with each failure that is retried (the node logs it).</param>
    public async Task<T> StoreAsync<T>(Func<CancellationToken, Task<T>> write, Action<Exception, int> failed)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                return await write(GiveUp);
            }
            catch (Exception exception) when (IsUnreachable(exception) && !GiveUp.IsCancellationRequested)
            {
                failed(exception, failures);
                await PauseAsync(failures);
            }
        }
    }

    /// <summary>
    /// <see cref="StoreAsync"/> for a write that ends an attempt and is fenced by it (a fail, a yield). A try whose
    /// answer to COMMIT was lost (<see cref="UnconfirmedCommitException{TOutcome}"/>: the connection broke after the
    /// COMMIT left) may have committed, and then the next try finds the attempt ended, by that try itself: answering
    /// "refused" would tell the worker its outcome was not stored when it was. So when a try after such a loss is
    /// refused, PostgreSQL is asked whether the lost try committed, and if it did, what that try stored is returned.
    /// A refusal with no lost COMMIT before it (the first try's, or one after a connection that failed before its
    /// COMMIT) is a genuine one and stands.
    /// </summary>
    /// <param name="accepted">Whether an outcome says the write was applied (the attempt was still running).</param>
    /// <param name="committed">Whether PostgreSQL committed a transaction (<see cref="IJobLifecycleStore.IsCommittedAsync"/>).</param>
    public async Task<T> StoreOutcomeAsync<T>(Func<CancellationToken, Task<T>> write, Func<T, bool> accepted,
        Func<string, CancellationToken, Task<bool>> committed, Action<Exception, int> failed)
    {
        var unconfirmed = new List<UnconfirmedCommitException<T>>();
        var outcome = await StoreAsync(async giveUp =>
        {
            try
            {
                return await write(giveUp);
            }
            catch (UnconfirmedCommitException<T> lost)
            {
                unconfirmed.Add(lost);
                throw;
            }
        }, failed);
        if (accepted(outcome)) return outcome;
        foreach (var lost in unconfirmed)
        {
            if (await StoreAsync(giveUp => committed(lost.TransactionId, giveUp), failed)) return lost.Outcome;
        }
        return outcome;
    }

    /// <summary>
    /// PostgreSQL could not be reached or did not answer in time (a connection refused or lost, a server shutting
    /// down): the same write may succeed later, unlike one refused for its content.
    /// </summary>
    public static bool IsUnreachable(Exception exception) =>
        exception is DbException or IOException or TimeoutException && !ReportBatches.RefusesContent(exception);
}
