namespace Worcr.Scripting;

/// <summary>What a weight rule may know about a worker.</summary>
public sealed record WorkerFacts(string WorkerId, IReadOnlyList<string> Tags, IReadOnlyList<string> JobTypes);
