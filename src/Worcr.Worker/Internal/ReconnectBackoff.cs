using Worcr.Core.Retries;

namespace Worcr.Worker.Internal;

/// <summary>
/// The waits between a worker's reconnects: 100 ms doubling up to <see cref="WorkerOptions.ReconnectMaxDelay"/>, each up
/// to 20 % shorter, so workers cut off together by a node's death do not all come back in the same millisecond.
/// </summary>
/// <remarks>
/// The doubling starts over only after a stable session: one that stayed welcomed for at least the longest delay.
/// A Welcome alone proves little: a node (or a proxy in front of it) that accepts every Hello and drops the stream
/// at once would otherwise be reconnected to every 100 ms, forever (grpc-go's busy loop behind a load balancer
/// that closes accepted connections, grpc/grpc-go#1525, is the same trap). With this rule a worker opens at most about
/// one stream per maximum delay against such a node, whatever it does, while a worker that lost a stream it held for
/// longer, the usual case of a node's death, is back after 100 ms.
/// </remarks>
internal sealed class ReconnectBackoff
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);

    private readonly RetryBackoff _delays;
    private int _failures;

    /// <param name="maxDelay">The longest wait; also how long a session must last to start the doubling over.</param>
    /// <param name="random">Returns a value in [0, 1] for the jitter; injected so tests get exact delays.</param>
    public ReconnectBackoff(TimeSpan maxDelay, Func<double>? random = null)
    {
        _delays = new RetryBackoff(FirstDelay < maxDelay ? FirstDelay : maxDelay, maxDelay, random, jitter: 0.2);
        StableAfter = maxDelay;
    }

    /// <summary>How long a session must stay welcomed for the next loss to wait the first delay again.</summary>
    public TimeSpan StableAfter { get; }

    /// <summary>A session ended: a stable one starts the doubling over.</summary>
    public void SessionEnded(SessionEnd end)
    {
        if (end.WelcomedFor >= StableAfter) _failures = 0;
    }

    /// <summary>The wait before the next attempt; each call without a stable session between doubles it.</summary>
    public TimeSpan NextDelay() => _delays.DelayAfter(++_failures);
}
