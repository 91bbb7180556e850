namespace Worcr.Postgres;

/// <summary>
/// One page of a job listing, newest first. <see cref="NextBefore"/> is the cursor for the next page; null when
/// nothing older matches. A page may hold fewer jobs than asked when the bounded scan stopped first.
/// </summary>
public sealed record JobPage(IReadOnlyList<JobSummaryRecord> Jobs, long? NextBefore);
