namespace Worcr.Core.Lanes;

/// <summary>What a node believes about one lane: an estimate, corrected by claims and reconciles.</summary>
/// <param name="Lane">The lane.</param>
/// <param name="Waiting">Estimated number of ready jobs.</param>
/// <param name="OldestEnqueuedAt">Estimated enqueue time of the lane's oldest ready job (drives FIFO and aging).</param>
/// <param name="CountCapped">
/// The reconcile's count stopped at its cap, so <paramref name="Waiting"/> is a lower bound: claims that come back
/// full never count the lane down to empty; only a short claim (or the next reconcile) does.
/// </param>
public sealed record LaneState(Lane Lane, long Waiting, DateTimeOffset OldestEnqueuedAt, bool CountCapped = false);
