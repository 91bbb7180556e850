namespace Worcr.Postgres;

/// <summary>
/// What a heartbeat's renewal found: the attempts of the ones asked about that PostgreSQL still shows running under
/// the holder (<see cref="Held"/>), and of those the ones whose lease it pushed forward (<see cref="Renewed"/>; a row
/// locked right now, being finished, is held but not renewed). An attempt asked about and not held was taken from
/// the holder (requeued after its lease ran out, cancelled): its worker must stop it and its reports be refused.
/// </summary>
public sealed record LeaseRenewal(IReadOnlySet<(long JobId, int Attempt)> Held, IReadOnlySet<(long JobId, int Attempt)> Renewed)
{
    public static LeaseRenewal None { get; } = new(new HashSet<(long, int)>(), new HashSet<(long, int)>());
}
