using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// What the admin API and GUI read and do to jobs beyond the producer API: bounded, keyset-paginated listings,
/// the job page, delete and the overview's counts.
/// </summary>
public sealed class JobBrowser
{
    /// <summary>The most ids of each table one listing page reads.</summary>
    public const int ScanWindow = JobLister.ScanWindow;

    private readonly JobLister _lister;
    private readonly JobDetailReader _details;
    private readonly JobDeleter _deleter;
    private readonly OverviewReader _overview;

    internal JobBrowser(NpgsqlDataSource dataSource, SchemaSql sql, LaneCache lanes, int overviewExactRows = OverviewReader.ExactRows)
    {
        _lister = new JobLister(dataSource, sql);
        _details = new JobDetailReader(dataSource, sql);
        _deleter = new JobDeleter(dataSource, sql);
        _overview = new OverviewReader(dataSource, sql, lanes, overviewExactRows);
    }

    /// <summary>Jobs newest first matching the filter (see <see cref="JobLister"/> for the bounded scan).</summary>
    public Task<JobPage> ListAsync(JobFilter filter, CancellationToken ct = default) => _lister.ListAsync(filter, ct);

    /// <summary>The job with checkpoints, progress and its newest 500 log lines; null when unknown.</summary>
    public Task<JobDetailRecord?> GetAsync(long jobId, CancellationToken ct = default) => _details.GetAsync(jobId, ct);

    /// <summary>Deletes a finished job with its checkpoints, progress and logs.</summary>
    public Task<DeleteOutcome> DeleteAsync(long jobId, CancellationToken ct = default) => _deleter.DeleteAsync(jobId, ct);

    /// <summary>Live counts and the finished jobs from <paramref name="sinceBucket"/> on (see <see cref="OverviewReader"/>).</summary>
    public Task<OverviewCounts> ReadOverviewAsync(int stepSeconds, long firstBucket, long sinceBucket, CancellationToken ct = default) =>
        _overview.ReadAsync(stepSeconds, firstBucket, sinceBucket, ct);
}
