using Worcr.Core.Lanes;

namespace Worcr.Core.Dispatch;

/// <summary>A lane with waiting jobs: how many and since when.</summary>
public sealed record LaneBacklog(Lane Lane, long Waiting, DateTimeOffset OldestEnqueuedAt);
