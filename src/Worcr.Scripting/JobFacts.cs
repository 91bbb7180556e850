namespace Worcr.Scripting;

/// <summary>What a rule may know about a job. <paramref name="ArgsJson"/> is decoded into tables/objects for the script.</summary>
public sealed record JobFacts(
    string Type,
    string Tenant,
    IReadOnlyList<string> Tags,
    string ArgsJson,
    int Attempt,
    DateTimeOffset EnqueuedAt);
