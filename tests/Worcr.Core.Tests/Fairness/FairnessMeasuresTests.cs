using Worcr.Core.Fairness;

namespace Worcr.Core.Tests.Fairness;

public sealed class FairnessMeasuresTests
{
    [Fact]
    public void Equal_counts_have_a_jain_index_of_one_and_one_tenant_taking_everything_one_over_n()
    {
        Assert.Equal(1.0, FairnessMeasures.JainIndex([5, 5, 5, 5]), 9);
        Assert.Equal(0.25, FairnessMeasures.JainIndex([12, 0, 0, 0]), 9);
    }

    [Fact]
    public void The_backlogged_window_ends_just_before_any_tenants_last_job_starts()
    {
        var totals = new Dictionary<string, int> { ["big"] = 100, ["small"] = 2 };

        // small's second (last) job starts third: the window holds big, small only, so both count 1.
        var index = FairnessMeasures.JainIndexWhileAllBacklogged(["big", "small", "small", "big", "big", "big"], totals);

        Assert.Equal(1.0, index, 9);
    }

    [Fact]
    public void Fifo_order_that_serves_one_tenant_first_scores_low()
    {
        var totals = new Dictionary<string, int> { ["t0"] = 90, ["t1"] = 10 };
        var fifo = Enumerable.Repeat("t0", 90).Concat(Enumerable.Repeat("t1", 10));

        Assert.Equal(0.5, FairnessMeasures.JainIndexWhileAllBacklogged(fifo, totals), 9);
    }

    [Fact]
    public void A_start_of_a_tenant_without_a_total_is_refused()
    {
        Assert.Throws<ArgumentException>(() => FairnessMeasures.JainIndexWhileAllBacklogged(["ghost"], new Dictionary<string, int> { ["t0"] = 1 }));
    }
}
