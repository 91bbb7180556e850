using System.Collections.Concurrent;
using System.Text.Json;
using Worcr.Core.Dispatch;
using Worcr.Core.Jobs;

namespace Worcr.Postgres.Tests.Conformance;

/// <summary>
/// What every <see cref="IDispatchStore"/> must do, whatever holds the jobs. A store joins by subclassing this
/// with a fresh, empty store per test and the few means of setup and inspection the interface leaves out (putting
/// jobs in, reading a job's lane and state).
/// </summary>
public abstract class DispatchStoreConformance : IAsyncLifetime
{
    private IDispatchStore? _store;

    protected IDispatchStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>A fresh store holding no jobs.</summary>
    protected abstract Task<IDispatchStore> CreateStoreAsync();

    /// <summary>Enqueues <paramref name="count"/> jobs like <paramref name="seed"/>, one after the other; returns their ids in order.</summary>
    protected abstract Task<IReadOnlyList<long>> EnqueueAsync(JobSeed seed, int count = 1);

    /// <summary>The id of the lane the job is in.</summary>
    protected abstract Task<long> LaneOfAsync(long jobId);

    /// <summary>The job's state now.</summary>
    protected abstract Task<JobState> StateOfAsync(long jobId);

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public Task DisposeAsync() => DisposeStoreAsync();

    private Task<IReadOnlyList<ClaimedJob>> ClaimAsync(long laneId, int limit, string worker = "w1") =>
        Store.ClaimAsync(laneId, limit, worker, "n1", TimeSpan.FromMinutes(1));

    [Fact]
    public async Task The_backlog_lists_each_lane_with_waiting_jobs_with_its_count_and_oldest_enqueue_time()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var email = await EnqueueAsync(new JobSeed(Type: "email"), 3);
        var sms = await EnqueueAsync(new JobSeed(Type: "sms", Tenant: "globex"), 2);
        await EnqueueAsync(new JobSeed(Type: "report", RunAt: DateTimeOffset.UtcNow.AddHours(1)));

        var backlog = (await Store.ReadBacklogAsync()).ToDictionary(b => b.Lane.Id);

        Assert.Equal(2, backlog.Count);
        var emailLane = backlog[await LaneOfAsync(email[0])];
        var smsLane = backlog[await LaneOfAsync(sms[0])];
        Assert.Equal((3L, "email", "acme"), (emailLane.Waiting, emailLane.Lane.Type, emailLane.Lane.Tenant));
        Assert.Equal((2L, "sms", "globex"), (smsLane.Waiting, smsLane.Lane.Type, smsLane.Lane.Tenant));
        Assert.InRange(emailLane.OldestEnqueuedAt, before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.True(emailLane.OldestEnqueuedAt <= smsLane.OldestEnqueuedAt);
    }

    [Fact]
    public async Task Claimed_jobs_leave_the_backlog_and_an_emptied_lane_is_not_listed()
    {
        var ids = await EnqueueAsync(new JobSeed(), 3);
        var lane = await LaneOfAsync(ids[0]);

        await ClaimAsync(lane, 2);
        Assert.Equal(1L, Assert.Single(await Store.ReadBacklogAsync()).Waiting);
        await ClaimAsync(lane, 5);
        Assert.Empty(await Store.ReadBacklogAsync());
    }

    [Fact]
    public async Task A_lane_is_read_back_by_id_and_an_unknown_id_gives_null()
    {
        var id = (await EnqueueAsync(new JobSeed(Tags: ["b", "a"], Weight: 2.5)))[0];
        var laneId = await LaneOfAsync(id);

        var lane = await Store.GetLaneAsync(laneId);

        Assert.NotNull(lane);
        Assert.Equal((laneId, "acme", "email", 2.5), (lane.Id, lane.Tenant, lane.Type, lane.Weight));
        Assert.Equal(["a", "b"], lane.Tags);
        Assert.Null(await Store.GetLaneAsync(laneId + 1_000));
    }

    [Fact]
    public async Task A_claim_takes_the_oldest_jobs_up_to_its_limit_and_starts_their_first_attempt()
    {
        var ids = await EnqueueAsync(new JobSeed(Args: """{"n":1}""", MaxAttempts: 4), 3);
        var lane = await LaneOfAsync(ids[0]);

        var claimed = await ClaimAsync(lane, 2);

        Assert.Equal(ids.Take(2), claimed.Select(j => j.Id));
        Assert.All(claimed, j => Assert.Equal((1, lane, 4), (j.Attempt, j.Lane.Id, j.MaxAttempts)));
        Assert.All(claimed, j => Assert.Equal(1, JsonDocument.Parse(j.ArgsJson).RootElement.GetProperty("n").GetInt32()));
        Assert.Equal(JobState.Running, await StateOfAsync(ids[0]));
        Assert.Equal(JobState.Waiting, await StateOfAsync(ids[2]));
    }

    [Fact]
    public async Task A_claim_on_an_empty_lane_or_for_no_jobs_returns_nothing()
    {
        var id = (await EnqueueAsync(new JobSeed()))[0];
        var lane = await LaneOfAsync(id);

        Assert.Empty(await ClaimAsync(lane, 0));
        Assert.Single(await ClaimAsync(lane, 1));
        Assert.Empty(await ClaimAsync(lane, 1));
    }

    [Fact]
    public async Task Expired_and_not_yet_due_jobs_are_never_claimed()
    {
        var expired = (await EnqueueAsync(new JobSeed(ExpiresAt: DateTimeOffset.UtcNow.AddMinutes(-1))))[0];
        var fresh = (await EnqueueAsync(new JobSeed()))[0];
        var scheduled = (await EnqueueAsync(new JobSeed(RunAt: DateTimeOffset.UtcNow.AddHours(1))))[0];

        var claimed = await ClaimAsync(await LaneOfAsync(fresh), 10);

        Assert.Equal([fresh], claimed.Select(j => j.Id));
        Assert.NotEqual(JobState.Running, await StateOfAsync(expired));
        Assert.Equal(JobState.Scheduled, await StateOfAsync(scheduled));
    }

    [Fact]
    public async Task Concurrent_claimers_never_get_the_same_job()
    {
        var ids = await EnqueueAsync(new JobSeed(), 400);
        var lane = await LaneOfAsync(ids[0]);
        var seen = new ConcurrentBag<long>();
        async Task ClaimUntilEmpty(string worker)
        {
            while (await ClaimAsync(lane, 7, worker) is { Count: > 0 } batch)
            {
                foreach (var job in batch) seen.Add(job.Id);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => ClaimUntilEmpty($"w{i}"))));

        Assert.Equal(ids.Order(), seen.Order());
    }

    [Fact]
    public async Task A_job_given_back_waits_again_and_is_the_next_one_claimed()
    {
        var ids = await EnqueueAsync(new JobSeed(), 2);
        var lane = await LaneOfAsync(ids[0]);
        var first = Assert.Single(await ClaimAsync(lane, 1));

        Assert.True(await Store.GiveBackAsync(first));

        Assert.Equal(JobState.Waiting, await StateOfAsync(first.Id));
        Assert.Equal(2L, Assert.Single(await Store.ReadBacklogAsync()).Waiting);
        Assert.Equal(first.Id, Assert.Single(await ClaimAsync(lane, 1)).Id);
    }

    [Fact]
    public async Task Giving_back_an_attempt_that_is_no_longer_running_changes_nothing()
    {
        var id = (await EnqueueAsync(new JobSeed()))[0];
        var lane = await LaneOfAsync(id);
        var first = Assert.Single(await ClaimAsync(lane, 1));
        Assert.True(await Store.GiveBackAsync(first));
        var second = Assert.Single(await ClaimAsync(lane, 1, "w2"));

        Assert.False(await Store.GiveBackAsync(first));

        Assert.NotEqual(first.Attempt, second.Attempt);
        Assert.Equal(JobState.Running, await StateOfAsync(id));
    }
}

/// <summary>A job to put into the store under test.</summary>
public sealed record JobSeed(
    string Tenant = "acme",
    string Type = "email",
    string[]? Tags = null,
    double Weight = 1,
    string Args = "{}",
    int MaxAttempts = 3,
    DateTimeOffset? RunAt = null,
    DateTimeOffset? ExpiresAt = null);
