using Microsoft.Extensions.Time.Testing;
using Worcr.Postgres;
using Worcr.Server.Identity;
using Worcr.Testing;

namespace Worcr.Server.Tests.Identity;

/// <summary>
/// The tenant key cache under concurrency: a revocation is not undone by a lookup that was already in flight, and
/// the callers of one key share one lookup. The clock is frozen, so no entry ages out during a test: what the cache
/// answers comes from what it stored, not from the time the test took.
/// </summary>
public sealed class TenantKeyCacheTests
{
    [Fact]
    public async Task A_lookup_in_flight_when_its_key_is_revoked_does_not_keep_the_key_working()
    {
        await using var schema = await MigratedSchemas.RentAsync();
        await using var database = WorcrDatabase.Create(schema.ConnectionString, schema.Name);
        var (record, key) = await database.TenantKeys.CreateAsync("cache-a", "ci");
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lookUps = 0;
        // The first lookup reads PostgreSQL while the key is valid, then is held until the revocation is done.
        async Task<string?> HeldFirstLookUp(string text, CancellationToken ct)
        {
            var tenant = await database.TenantKeys.FindTenantAsync(text, ct);
            if (Interlocked.Increment(ref lookUps) > 1) return tenant;
            read.SetResult(tenant);
            await release.Task;
            return tenant;
        }
        var cache = new TenantKeyCache(HeldFirstLookUp, new FakeTimeProvider(DateTimeOffset.UtcNow));

        var straddling = cache.TenantOfAsync(key, patience.Token).AsTask();
        Assert.Equal("cache-a", await read.Task.WaitAsync(patience.Token));
        // As the admin API revokes: the row goes, then the node forgets what it remembered.
        Assert.True(await database.TenantKeys.RevokeAsync("cache-a", record.Id, patience.Token));
        cache.Forget();
        release.SetResult();
        var answeredInFlight = await straddling.WaitAsync(patience.Token);
        var answeredAfter = await cache.TenantOfAsync(key, patience.Token);

        Assert.True(answeredAfter is null, $"the revoked key still works after the revocation: the cache answered tenant '{answeredAfter}' " +
            "(the lookup that was in flight during the revocation stored what it had read before it)");
        Assert.True(answeredInFlight is null, $"the call whose lookup was in flight during the revocation was let in as tenant '{answeredInFlight}' " +
            "after the revocation had returned");
    }

    [Fact]
    public async Task Callers_of_one_key_while_its_entry_is_missing_share_one_lookup()
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lookUps = 0;
        async Task<string?> HeldLookUp(string text, CancellationToken ct)
        {
            Interlocked.Increment(ref lookUps);
            await release.Task;
            return "cache-b";
        }
        var cache = new TenantKeyCache(HeldLookUp, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var key = TenantKeyStore.KeyPrefix + new string('b', 48);

        var callers = Enumerable.Range(0, 8).Select(_ => cache.TenantOfAsync(key, patience.Token).AsTask()).ToList();
        var lookUpsWhileInFlight = Volatile.Read(ref lookUps);
        release.SetResult();
        var answers = await Task.WhenAll(callers).WaitAsync(patience.Token);

        Assert.Equal(1, lookUpsWhileInFlight);
        Assert.All(answers, tenant => Assert.Equal("cache-b", tenant));
        Assert.Equal(1, Volatile.Read(ref lookUps));
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_fail_the_others_sharing_its_lookup()
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<string?> HeldLookUp(string text, CancellationToken ct)
        {
            await release.Task.WaitAsync(ct);
            return "cache-c";
        }
        var cache = new TenantKeyCache(HeldLookUp, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var key = TenantKeyStore.KeyPrefix + new string('c', 48);
        using var first = new CancellationTokenSource();

        var givingUp = cache.TenantOfAsync(key, first.Token).AsTask();
        var staying = cache.TenantOfAsync(key, patience.Token).AsTask();
        await first.CancelAsync();
        var gaveUp = await Record.ExceptionAsync(() => givingUp);
        release.SetResult();

        Assert.IsAssignableFrom<OperationCanceledException>(gaveUp);
        Assert.Equal("cache-c", await staying.WaitAsync(patience.Token));
    }
}
