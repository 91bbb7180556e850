namespace Worcr.Postgres;

/// <summary>
/// Applies the per-job line bound to one batch before it is written: a flood of lines in one flush costs one
/// bounded insert, not an insert followed by a large delete.
/// </summary>
internal static class LogBatchBound
{
    /// <summary>One job of the batch: how many of its lines were skipped, and its newest attempt (for the note).</summary>
    public readonly record struct JobLines(long JobId, int Skipped, int Attempt);

    public static (IReadOnlyList<LogEntry> Kept, IReadOnlyList<JobLines> Jobs) Apply(IReadOnlyList<LogEntry> entries, int maxLinesPerJob)
    {
        var counts = new Dictionary<long, int>();
        foreach (var entry in entries) counts[entry.JobId] = counts.GetValueOrDefault(entry.JobId) + 1;
        var toSkip = counts.ToDictionary(c => c.Key, c => Math.Max(0, c.Value - maxLinesPerJob));
        var attempts = new Dictionary<long, int>();
        var kept = new List<LogEntry>(Math.Min(entries.Count, counts.Count * maxLinesPerJob));
        foreach (var entry in entries)
        {
            attempts[entry.JobId] = Math.Max(attempts.GetValueOrDefault(entry.JobId), entry.Attempt);
            // The oldest lines of a job go first: the newest are the ones worth reading.
            if (toSkip[entry.JobId] > 0 && counts[entry.JobId]-- > maxLinesPerJob) continue;
            kept.Add(entry);
        }
        var jobs = toSkip.Select(s => new JobLines(s.Key, s.Value, attempts[s.Key])).ToList();
        return (kept, jobs);
    }
}
