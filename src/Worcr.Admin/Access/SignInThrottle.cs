using System.Collections.Concurrent;

namespace Worcr.Admin;

/// <summary>
/// Slows password guessing: each failed sign-in from a client address is answered after a delay that doubles
/// with every further failure (250 ms up to 5 s) and is forgotten 15 minutes after the last one or on success.
/// Per node and per address; behind a proxy every client shares the proxy's address, which makes it a global brake.
/// </summary>
internal sealed class SignInThrottle
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Memory = TimeSpan.FromMinutes(15);
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public SignInThrottle(TimeProvider time) => _time = time;

    /// <summary>Counts a failure of <paramref name="client"/> and returns how long to hold its answer.</summary>
    public TimeSpan DelayAfterFailure(string client)
    {
        var now = _time.GetUtcNow();
        if (_failures.Count > PruneAbove) Prune(now);
        var failures = _failures.AddOrUpdate(client,
            _ => new Failures(1, now),
            (_, previous) => now - previous.Last > Memory ? new Failures(1, now) : new Failures(previous.Count + 1, now));
        var delay = FirstDelay * Math.Pow(2, Math.Min(failures.Count - 1, 10));
        return delay < MaxDelay ? delay : MaxDelay;
    }

    public void Succeeded(string client) => _failures.TryRemove(client, out _);

    private void Prune(DateTimeOffset now)
    {
        foreach (var (client, failures) in _failures)
        {
            if (now - failures.Last > Memory) _failures.TryRemove(client, out _);
        }
    }

    private sealed record Failures(int Count, DateTimeOffset Last);
}
