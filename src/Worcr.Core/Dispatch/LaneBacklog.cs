using Worcr.Core.Lanes;

namespace Worcr.Core.Dispatch;

/// <summary>A lane with waiting jobs: how many and since when.</summary>
/// <param name="CountCapped">
/// True when the store stopped counting at a cap: <paramref name="Waiting"/> is then a lower bound (at least that many).
/// </param>
public sealed record LaneBacklog(Lane Lane, long Waiting, DateTimeOffset OldestEnqueuedAt, bool CountCapped = false);
