using Worcr.Core.Jobs;
using Worcr.Postgres;

namespace Worcr.Admin;

/// <summary>
/// The overview's last 15 minutes in 10-second steps, kept between reads so each read asks PostgreSQL only for
/// history it has not closed yet. A step is closed once it ended <see cref="CloseLag"/> ago (by the database's
/// clock): completions commit within moments, so later rows for it are not expected (a straggler would be missed,
/// not double counted). Enqueued counts combine live jobs (read whole each time) with the finished jobs of every
/// kept step, since a job that finished already left the live table. Not thread-safe: <see cref="OverviewSnapshots"/>
/// serialises refreshes.
/// </summary>
internal sealed class OverviewHistory
{
    public const int StepSeconds = 10;
    public const int Points = 90;
    private static readonly TimeSpan CloseLag = TimeSpan.FromSeconds(10);
    private readonly Dictionary<long, OverviewBucket> _closed = new();
    private Dictionary<long, OverviewBucket> _open = new();
    private long? _closedThrough;

    public static long BucketOf(DateTimeOffset time) => (long)Math.Floor(time.ToUnixTimeMilliseconds() / 1000.0 / StepSeconds);

    /// <summary>The first step of the window that ends at <paramref name="now"/>.</summary>
    public static long FirstBucket(DateTimeOffset now) => BucketOf(now) - (Points - 1);

    /// <summary>The first step whose finished jobs must be read (the ones before are closed and kept).</summary>
    public long SinceBucket(long firstBucket) => _closedThrough is { } closed && closed + 1 >= firstBucket ? closed + 1 : firstBucket;

    /// <summary>Takes in a read that covered the finished jobs from <paramref name="sinceBucket"/> on.</summary>
    public void Apply(OverviewCounts counts, long sinceBucket)
    {
        var read = Group(counts);
        var closeThrough = BucketOf(counts.Now - CloseLag) - 1;
        for (var bucket = sinceBucket; bucket <= closeThrough; bucket++) _closed[bucket] = read.GetValueOrDefault(bucket) ?? new OverviewBucket();
        if (closeThrough >= sinceBucket) _closedThrough = closeThrough;
        _open = read.Where(p => p.Key > closeThrough).ToDictionary(p => p.Key, p => p.Value);
        var first = FirstBucket(counts.Now);
        foreach (var old in _closed.Keys.Where(b => b < first).ToList()) _closed.Remove(old);
    }

    /// <summary>Final-state counts over the window.</summary>
    public IReadOnlyDictionary<JobState, long> FinishedInWindow()
    {
        var totals = new Dictionary<JobState, long>();
        foreach (var bucket in Buckets())
        {
            foreach (var (state, n) in bucket.Finished) totals[state] = totals.GetValueOrDefault(state) + n;
        }
        return totals;
    }

    public IReadOnlyList<SeriesPointView> Series(OverviewCounts counts)
    {
        var first = FirstBucket(counts.Now);
        var enqueued = new Dictionary<long, long>(counts.LiveEnqueuedByBucket);
        foreach (var bucket in Buckets())
        {
            foreach (var (step, n) in bucket.EnqueuedIn) enqueued[step] = enqueued.GetValueOrDefault(step) + n;
        }
        var points = new List<SeriesPointView>(Points);
        for (var step = first; step < first + Points; step++)
        {
            var finished = _closed.GetValueOrDefault(step) ?? _open.GetValueOrDefault(step);
            points.Add(new SeriesPointView(DateTimeOffset.FromUnixTimeSeconds(step * StepSeconds), enqueued.GetValueOrDefault(step),
                finished?.Count(JobState.Completed) ?? 0, finished?.Count(JobState.Dead) ?? 0, finished?.P50Ms, finished?.P95Ms));
        }
        return points;
    }

    private IEnumerable<OverviewBucket> Buckets() => _closed.Values.Concat(_open.Values);

    private static Dictionary<long, OverviewBucket> Group(OverviewCounts counts)
    {
        var buckets = new Dictionary<long, OverviewBucket>();
        OverviewBucket At(long step) => buckets.TryGetValue(step, out var b) ? b : buckets[step] = new OverviewBucket();
        foreach (var row in counts.Finished)
        {
            var bucket = At(row.FinishedBucket);
            bucket.Finished[row.State] = bucket.Finished.GetValueOrDefault(row.State) + row.Count;
            if (row.EnqueuedBucket is { } enqueued) bucket.EnqueuedIn[enqueued] = bucket.EnqueuedIn.GetValueOrDefault(enqueued) + row.Count;
        }
        foreach (var latency in counts.Latencies)
        {
            var bucket = At(latency.Bucket);
            (bucket.P50Ms, bucket.P95Ms) = (Math.Round(latency.P50Ms, 1), Math.Round(latency.P95Ms, 1));
        }
        return buckets;
    }
}
