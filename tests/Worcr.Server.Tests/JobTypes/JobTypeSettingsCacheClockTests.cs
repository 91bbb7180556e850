using Worcr.Server.JobTypes;
using Worcr.Testing;

namespace Worcr.Server.Tests.JobTypes;

/// <summary>
/// How long the job-type settings cache keeps what it read, when the node's wall clock and monotonic clock disagree.
/// The read answers what the test last "saved" (as another node would: this cache hears nothing of it).
/// </summary>
public sealed class JobTypeSettingsCacheClockTests
{
    private readonly SteppedClock _clock = new();
    private int _maxAttempts = 5;
    private int _reads;

    [Fact]
    public async Task A_wall_clock_stepped_back_an_hour_does_not_keep_settings_past_the_ttl()
    {
        var cache = NewCache();
        Assert.Equal(5, await MaxAttemptsAsync(cache));
        _maxAttempts = 2; // saved on another node

        _clock.Pass(TimeSpan.FromSeconds(1));
        _clock.StepWallBack(TimeSpan.FromHours(1));
        _clock.Pass(JobTypeSettingsCache.Ttl);
        var seen = await MaxAttemptsAsync(cache);

        Assert.True(seen == 2, $"settings read {JobTypeSettingsCache.Ttl.TotalSeconds + 1:0} s ago (monotonic clock) were still used " +
            $"(max_attempts {seen}, saved since as 2) after the wall clock was stepped back an hour (TTL {JobTypeSettingsCache.Ttl.TotalSeconds:0} s)");
    }

    [Fact]
    public async Task Settings_read_before_the_host_was_suspended_are_read_again_after()
    {
        var cache = NewCache();
        Assert.Equal(5, await MaxAttemptsAsync(cache));
        _maxAttempts = 2;

        _clock.Suspend(TimeSpan.FromHours(1));

        Assert.Equal(2, await MaxAttemptsAsync(cache));
    }

    [Fact]
    public async Task Settings_are_answered_from_memory_until_the_ttl_passes()
    {
        var cache = NewCache();
        Assert.Equal(5, await MaxAttemptsAsync(cache));
        _maxAttempts = 2;

        _clock.Pass(JobTypeSettingsCache.Ttl - TimeSpan.FromMilliseconds(1));
        Assert.Equal(5, await MaxAttemptsAsync(cache));
        Assert.Equal(1, _reads);
        _clock.Pass(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, await MaxAttemptsAsync(cache));
        Assert.Equal(2, _reads);
    }

    private JobTypeSettingsCache NewCache() => new(_ =>
    {
        _reads++;
        IReadOnlyList<JobTypeRow> rows = [new("test.echo", DateTimeOffset.UnixEpoch, new JobTypeSettings(_maxAttempts, null, null, null))];
        return Task.FromResult(rows);
    }, _clock);

    private static async Task<int?> MaxAttemptsAsync(JobTypeSettingsCache cache) =>
        (await cache.GetAsync("test.echo", CancellationToken.None)).MaxAttempts;
}
