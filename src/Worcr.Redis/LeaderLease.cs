namespace Worcr.Redis;

/// <summary>
/// Proof of holding a leader lock. <see cref="FencingToken"/> grows with every acquisition of the lock, so a store
/// can reject writes from a former leader that still believes it leads (reject tokens lower than the last seen).
/// </summary>
public sealed record LeaderLease(string Name, string Owner, long FencingToken, DateTimeOffset ExpiresAt)
{
    /// <summary>What the lock key holds while this lease is current.</summary>
    internal string LockValue => $"{FencingToken}:{Owner}";
}
