namespace Worcr.Core.Dispatch;

/// <summary>What becomes of the jobs a claim returned.</summary>
/// <param name="Assign">Jobs to send to the worker, oldest first.</param>
/// <param name="GiveBack">Jobs the worker has no credit for: they go back to waiting without burning an attempt.</param>
public sealed record ClaimOutcome(IReadOnlyList<ClaimedJob> Assign, IReadOnlyList<ClaimedJob> GiveBack);
