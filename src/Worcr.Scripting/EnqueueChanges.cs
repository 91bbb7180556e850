namespace Worcr.Scripting;

/// <summary>Changes an enqueue rule asks for; null means "leave as is", empty lists add nothing.</summary>
public sealed record EnqueueChanges(
    DateTimeOffset? ExpiresAt,
    int? MaxAttempts,
    DateTimeOffset? RunAt,
    double? Weight,
    IReadOnlyList<string> ExtraTags,
    IReadOnlyList<string> LimitKeys)
{
    /// <summary>No change at all: what a rule returning nil/undefined means.</summary>
    public static EnqueueChanges None { get; } = new(null, null, null, null, [], []);
}
