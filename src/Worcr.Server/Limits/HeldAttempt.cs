using Worcr.Core.Lanes;
using Worcr.Redis.Limits;

namespace Worcr.Server.Limits;

/// <summary>One attempt a worker holds: its lane, and the concurrency counters that granted it a permit at its claim.</summary>
internal sealed record HeldAttempt(long JobId, int Attempt, Lane Lane, IReadOnlyList<LimitCounter> Granted);
