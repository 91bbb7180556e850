namespace Worcr.Server.Tests.Limits;

/// <summary>Counts jobs running at once in handlers and remembers the highest count seen.</summary>
internal sealed class PeakCounter
{
    private int _running;
    private int _peak;

    public int Peak => Volatile.Read(ref _peak);

    public void Enter()
    {
        var now = Interlocked.Increment(ref _running);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }
    }

    public void Leave() => Interlocked.Decrement(ref _running);
}
