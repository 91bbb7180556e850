using Worcr.Protocol.V1;

namespace Worcr.Worker.Internal;

/// <summary>
/// Gives credits back one per finished job, but sends them together: grants made while a Credit is being posted
/// (or in the same moment) add up into the next Credit{n} instead of one message each.
/// </summary>
internal sealed class CreditBatcher
{
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Func<WorkerMessage, bool> _post;
    private int _pending;

    public CreditBatcher(Func<WorkerMessage, bool> post)
    {
        _post = post;
    }

    public int Pending => Volatile.Read(ref _pending);

    public void Grant(int n = 1)
    {
        // Only the grant that makes the count non-zero wakes the sender; later ones ride along.
        if (Interlocked.Add(ref _pending, n) == n)
        {
            _signal.Release();
        }
    }

    /// <summary>Sends what has accumulated as one Credit; returns the n sent (0 when nothing was pending).</summary>
    public int Flush()
    {
        var n = Interlocked.Exchange(ref _pending, 0);
        if (n > 0)
        {
            _post(new WorkerMessage { Credit = new Credit { N = n } });
        }

        return n;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (true)
        {
            await _signal.WaitAsync(ct);
            // Let the jobs finishing at the same moment add their grant before sending.
            await Task.Yield();
            Flush();
        }
    }
}
