namespace Worcr.Worker.Internal;

/// <summary>Handlers running right now across all sessions (abandoned ones included until they return).</summary>
internal sealed class JobCounter
{
    private int _value;

    public int Value => Volatile.Read(ref _value);

    public void Increment() => Interlocked.Increment(ref _value);

    public void Decrement() => Interlocked.Decrement(ref _value);
}
