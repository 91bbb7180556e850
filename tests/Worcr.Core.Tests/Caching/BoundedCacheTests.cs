using Worcr.Core.Caching;
using Worcr.Testing;

namespace Worcr.Core.Tests.Caching;

public sealed class BoundedCacheTests
{
    [Fact]
    public void A_flood_of_distinct_keys_never_holds_more_than_the_capacity()
    {
        var cache = new BoundedCache<string, int>(100);

        for (var i = 0; i < 10_000; i++) cache.Set($"key-{i}", i);

        Assert.InRange(cache.Count, 1, 100);
        Assert.True(cache.Evictions >= 9_900);
        Assert.True(cache.TryGet("key-9999", out var newest));
        Assert.Equal(9999, newest);
    }

    [Fact]
    public void The_least_recently_used_entries_are_evicted_first()
    {
        var cache = new BoundedCache<int, int>(10);
        for (var i = 0; i < 10; i++) cache.Set(i, i);
        Assert.True(cache.TryGet(0, out _)); // 0 is now the most recently used

        cache.Set(10, 10);

        Assert.True(cache.TryGet(0, out _));
        Assert.False(cache.TryGet(1, out _));
        Assert.True(cache.TryGet(10, out _));
    }

    [Fact]
    public void Replacing_a_key_evicts_nothing()
    {
        var cache = new BoundedCache<int, string>(2);
        cache.Set(1, "a");
        cache.Set(2, "b");

        cache.Set(2, "c");

        Assert.Equal(0, cache.Evictions);
        Assert.True(cache.TryGet(1, out var first));
        Assert.Equal("a", first);
    }

    [Fact]
    public void An_entry_older_than_the_age_asked_for_reads_as_absent()
    {
        var clock = new SteppedClock();
        var cache = new BoundedCache<string, int>(10, time: clock);
        cache.Set("lane", 7);

        clock.Pass(TimeSpan.FromMinutes(59));
        Assert.True(cache.TryGet("lane", TimeSpan.FromHours(1), out _));
        clock.Pass(TimeSpan.FromMinutes(2));
        Assert.False(cache.TryGet("lane", TimeSpan.FromHours(1), out _));
        Assert.True(cache.TryGet("lane", out _));
    }

    [Fact]
    public void A_wall_clock_stepped_back_an_hour_does_not_keep_an_entry_past_its_age()
    {
        var clock = new SteppedClock();
        var cache = new BoundedCache<string, int>(10, time: clock);
        cache.Set("lane", 7);

        clock.Pass(TimeSpan.FromMinutes(30));
        clock.StepWallBack(TimeSpan.FromHours(1));
        clock.Pass(TimeSpan.FromMinutes(31));

        Assert.False(cache.TryGet("lane", TimeSpan.FromHours(1), out var kept),
            $"an entry added 61 minutes ago (by the monotonic clock) was still handed out as {kept} with a limit of 1 hour");
    }

    [Fact]
    public void An_entry_added_before_the_host_was_suspended_expires_by_the_time_it_slept()
    {
        var clock = new SteppedClock();
        var cache = new BoundedCache<string, int>(10, time: clock);
        cache.Set("lane", 7);

        clock.Suspend(TimeSpan.FromHours(2));

        Assert.False(cache.TryGet("lane", TimeSpan.FromHours(1), out _));
    }

    [Fact]
    public async Task Concurrent_writers_keep_the_bound()
    {
        var cache = new BoundedCache<int, int>(500);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++) cache.Set(worker * 1_000_000 + i, i);
        })));

        // Writers racing past the check can each add one entry before an eviction runs.
        Assert.InRange(cache.Count, 1, 500 + 4);
    }
}
