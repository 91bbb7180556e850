namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// The system clock off by a fixed amount: a node whose clock disagrees with PostgreSQL's. Only the wall-clock time is
/// off; timers and timestamps run as the system's do, so the node's loops keep their pace.
/// </summary>
internal sealed class SkewedClock(TimeSpan skew) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + skew;
}
