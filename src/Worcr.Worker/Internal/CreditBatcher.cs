using Worcr.Protocol.V1;

namespace Worcr.Worker.Internal;

/// <summary>
/// Gives credits back one per finished job, but sends them together: grants made while a Credit is being posted
/// (or in the same moment) add up into the next Credit{n} instead of one message each.
/// </summary>
/// <remarks>
/// A worker that prefetches holds its credits back while prefetched jobs still wait for a slot, until half its
/// prefetch is owed (<c>holdUntil</c>): the node then claims that many jobs in one statement instead of one or two
/// per finished job, which on a busy machine cost PostgreSQL a commit each. The jobs still waiting keep every slot busy
/// while that claim is made. The moment no job waits for a slot, everything owed goes at once, so a worker that runs
/// out of work is never left with credits the node does not know of. Without prefetch nothing is held.
/// <para>
/// Once the worker begins leaving (<see cref="BeginLeaving"/>), nothing more is sent: the held credits the leave
/// itself releases (the queued jobs it hands back stop waiting), and a grant made or woken just before. A Credit then
/// would make the node claim jobs for a worker that is going away, which it must release again.
/// </para>
/// </remarks>
internal sealed class CreditBatcher
{
    private readonly SemaphoreSlim _signal = new(0);
    // Held while a Credit is posted and while leaving begins: once BeginLeaving returned, no Credit is posted after it.
    private readonly Lock _sending = new();
    private readonly Func<WorkerMessage, bool> _post;
    private readonly int _holdUntil;
    private int _pending;
    private int _waitingForSlot;
    private int _wakeRequested;
    private bool _leaving;

    /// <param name="post">Queues a message on the stream.</param>
    /// <param name="holdUntil">Credits held back while jobs wait for a slot and fewer than this are owed (1: none).</param>
    public CreditBatcher(Func<WorkerMessage, bool> post, int holdUntil = 1)
    {
        _post = post;
        _holdUntil = Math.Max(1, holdUntil);
    }

    /// <summary>How many credits to hold back for a worker prefetching <paramref name="prefetch"/> jobs.</summary>
    public static int HoldUntilFor(int prefetch) => Math.Max(1, prefetch / 2);

    public int Pending => Volatile.Read(ref _pending);

    /// <summary>True from a wake-up of the sender until it runs: what is owed is due now.</summary>
    internal bool SendRequested => Volatile.Read(ref _wakeRequested) == 1;

    public void Grant(int n = 1)
    {
        var pending = Interlocked.Add(ref _pending, n);
        if (pending >= _holdUntil || Volatile.Read(ref _waitingForSlot) == 0) Wake();
    }

    /// <summary>A prefetched job began waiting for a slot.</summary>
    public void JobWaiting() => Interlocked.Increment(ref _waitingForSlot);

    /// <summary>A job stopped waiting for a slot (it started, or left unstarted); the last one releases what is held.</summary>
    public void JobStoppedWaiting()
    {
        if (Interlocked.Decrement(ref _waitingForSlot) == 0 && Pending > 0) Wake();
    }

    /// <summary>The worker is leaving: from now on no Credit is sent, whatever is owed or granted later.</summary>
    public void BeginLeaving()
    {
        lock (_sending) _leaving = true;
    }

    /// <summary>
    /// Sends what has accumulated as one Credit; returns the n sent (0 when nothing was pending, or the worker is
    /// leaving).
    /// </summary>
    public int Flush()
    {
        lock (_sending)
        {
            if (_leaving) return 0;
            var n = Interlocked.Exchange(ref _pending, 0);
            if (n > 0)
            {
                _post(new WorkerMessage { Credit = new Credit { N = n } });
            }

            return n;
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (true)
        {
            await _signal.WaitAsync(ct);
            Volatile.Write(ref _wakeRequested, 0);
            // Let the jobs finishing at the same moment add their grant before sending.
            await Task.Yield();
            Flush();
        }
    }

    // Only the first wake-up since the sender last woke releases it; later ones ride along with that flush.
    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakeRequested, 1) == 0) _signal.Release();
    }
}
