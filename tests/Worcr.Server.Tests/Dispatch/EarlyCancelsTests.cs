using Microsoft.Extensions.Time.Testing;
using Worcr.Server.Dispatch;

namespace Worcr.Server.Tests.Dispatch;

/// <summary>The cancels a node keeps for attempts not yet handed to a worker: taken once, expiring, and bounded.</summary>
public sealed class EarlyCancelsTests
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_remembered_cancel_is_taken_once_and_only_for_its_own_attempt()
    {
        var cancels = new EarlyCancels(KeepFor, new FakeTimeProvider());
        cancels.Remember(7, attempt: 2);

        Assert.False(cancels.Take(7, attempt: 3));
        Assert.False(cancels.Take(8, attempt: 2));
        Assert.True(cancels.Take(7, attempt: 2));
        Assert.False(cancels.Take(7, attempt: 2));
        Assert.Equal(0, cancels.Count);
    }

    [Fact]
    public void A_cancel_older_than_its_keeping_time_no_longer_counts_and_is_dropped_by_the_next_one()
    {
        var time = new FakeTimeProvider();
        var cancels = new EarlyCancels(KeepFor, time);
        cancels.Remember(1, attempt: 1);
        cancels.Remember(2, attempt: 1);

        time.Advance(KeepFor);

        Assert.False(cancels.Take(1, attempt: 1));
        cancels.Remember(3, attempt: 1);
        Assert.Equal(1, cancels.Count);
        Assert.True(cancels.Take(3, attempt: 1));
    }

    [Fact]
    public void Past_its_capacity_the_oldest_cancel_makes_room()
    {
        var time = new FakeTimeProvider();
        var cancels = new EarlyCancels(KeepFor, time);
        for (var jobId = 1; jobId <= EarlyCancels.Capacity; jobId++)
        {
            cancels.Remember(jobId, attempt: 1);
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        cancels.Remember(EarlyCancels.Capacity + 1, attempt: 1);

        Assert.Equal(EarlyCancels.Capacity, cancels.Count);
        Assert.False(cancels.Take(1, attempt: 1));
        Assert.True(cancels.Take(2, attempt: 1));
        Assert.True(cancels.Take(EarlyCancels.Capacity + 1, attempt: 1));
    }
}
