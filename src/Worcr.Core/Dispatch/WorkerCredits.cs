namespace Worcr.Core.Dispatch;

/// <summary>A connected worker as a dispatch round sees it: who it is and how many jobs it may still be sent.</summary>
/// <param name="Profile">What rules and fairness know about it.</param>
/// <param name="Credits">Its free capacity when the round starts.</param>
public sealed record WorkerCredits(WorkerProfile Profile, int Credits);
