namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Reads a piece of stored truth (an API page, a row, a presence listing) until it shows what the test waits for.
/// Used only where the state lives in PostgreSQL or Redis and no event announces it; where an event exists, await it.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    public static async Task<T> ReadUntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string waitingFor)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var last = await read();
        while (!done(last))
        {
            if (deadline.IsCancellationRequested) throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s for {waitingFor}; the last read was {last}.");
            // The pause between reads of a truth no event announces (see the summary), not a wait for it to happen.
            await Task.Delay(Pause, CancellationToken.None);
            last = await read();
        }
        return last;
    }
}
