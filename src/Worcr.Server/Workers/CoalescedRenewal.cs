namespace Worcr.Server.Workers;

/// <summary>
/// One renewal of a stream (its leases, or its worker id and permits), run off the stream's read loop, at most one at
/// a time. A request while one runs is coalesced: one more run follows it, however many requests came meanwhile, so a
/// renewal stuck in a network partition never piles up renewals behind it, and the run after it still renews what
/// the worker held when it last asked.
/// </summary>
/// <param name="renew">The renewal. It handles the errors a renewal survives itself; anything it throws ends the stream.</param>
/// <param name="faulted">Told of what <paramref name="renew"/> threw; no run starts after it.</param>
/// <param name="stopping">The stream's end: cancels the run under way, and none starts after it.</param>
internal sealed class CoalescedRenewal(Func<CancellationToken, Task> renew, Action<Exception> faulted, CancellationToken stopping)
{
    private readonly Lock _lock = new();
    private Task _running = Task.CompletedTask;
    // A run is under way (or it faulted, and none may start again).
    private bool _busy;
    // A request came while it ran: one more run follows.
    private bool _again;

    /// <summary>The run under way, if any (for the stream's end to wait for it).</summary>
    public Task Running
    {
        get
        {
            lock (_lock) return _running;
        }
    }

    /// <summary>Asks for a renewal: starts one on the thread pool, or has the one under way followed by one more.</summary>
    public void Request()
    {
        lock (_lock)
        {
            if (_busy)
            {
                _again = true;
                return;
            }
            if (stopping.IsCancellationRequested) return;
            _busy = true;
            // On the thread pool: not even the renewal's synchronous start (a pooled connection opening) runs on the read loop.
            _running = Task.Run(RunAsync, CancellationToken.None);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            do
            {
                await renew(stopping);
            }
            while (TakeAgain());
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // The stream ended (what the cancelled call threw says only that): nothing is left to renew.
        }
        catch (Exception exception)
        {
            faulted(exception);
        }
    }

    /// <summary>True when a request came during the run (it is taken); false ends the run, and the next request starts one.</summary>
    private bool TakeAgain()
    {
        lock (_lock)
        {
            if (_again && !stopping.IsCancellationRequested)
            {
                _again = false;
                return true;
            }
            _again = false;
            _busy = false;
            return false;
        }
    }
}
