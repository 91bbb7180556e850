using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>
/// Which jobs to list, newest first: every field is optional. <see cref="From"/> and <see cref="To"/> bound the
/// enqueue time (From inclusive, To exclusive); <see cref="Before"/> is the keyset cursor (ids below it).
/// </summary>
public sealed record JobFilter(
    string? Tenant = null,
    string? Type = null,
    string? Tag = null,
    JobState? State = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    long? Before = null,
    int Limit = 50);
