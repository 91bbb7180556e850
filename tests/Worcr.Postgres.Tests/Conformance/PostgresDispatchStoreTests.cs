using Worcr.Core.Dispatch;
using Worcr.Core.Jobs;

namespace Worcr.Postgres.Tests.Conformance;

/// <summary>PostgreSQL's <see cref="JobStore"/> against the dispatch store's contract, in a migrated schema of its own.</summary>
public sealed class PostgresDispatchStoreTests : DispatchStoreConformance
{
    private WorcrDatabase? _db;

    private WorcrDatabase Db => _db ?? throw new InvalidOperationException("The database is created in InitializeAsync.");

    protected override async Task<IDispatchStore> CreateStoreAsync()
    {
        _db = await TestDatabase.CreateAsync();
        return _db.Jobs;
    }

    protected override async Task<IReadOnlyList<long>> EnqueueAsync(JobSeed seed, int count = 1)
    {
        var job = new NewJob(seed.Tenant, seed.Type, seed.Tags ?? [], seed.Args, seed.Weight, seed.MaxAttempts, seed.RunAt, seed.ExpiresAt, null, null);
        var ids = new List<long>(count);
        // One at a time, so enqueue times follow the order of the ids.
        for (var i = 0; i < count; i++) ids.Add((await Db.Jobs.EnqueueAsync([job]))[0].Id);
        return ids;
    }

    protected override Task<long> LaneOfAsync(long jobId) => Db.LaneOfAsync(jobId);

    protected override async Task<JobState> StateOfAsync(long jobId) =>
        (await Db.Jobs.GetAsync(jobId))?.State ?? throw new InvalidOperationException($"Job {jobId} is unknown.");

    protected override async Task DisposeStoreAsync()
    {
        if (_db is not null) await _db.DisposeAsync();
    }
}
