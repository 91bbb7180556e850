using Worcr.Server.Telemetry;

namespace Worcr.Server.Tests.Telemetry;

public sealed class LabelBoundTests
{
    [Fact]
    public void The_first_values_up_to_the_limit_keep_their_own_label_and_later_ones_are_other()
    {
        var bound = new LabelBound(2);

        Assert.Equal("a", bound.Of("a"));
        Assert.Equal("b", bound.Of("b"));
        Assert.Equal(LabelBound.Other, bound.Of("c"));
        Assert.Equal("a", bound.Of("a"));
        Assert.Equal(LabelBound.Other, bound.Of("d"));
        Assert.Equal(2, bound.Count);
    }

    [Fact]
    public void Concurrent_callers_never_admit_more_values_than_the_limit()
    {
        var bound = new LabelBound(10);

        var labels = Enumerable.Range(0, 1000).AsParallel().Select(i => bound.Of("v" + i)).ToArray();

        Assert.Equal(10, bound.Count);
        Assert.Equal(10, labels.Where(l => l != LabelBound.Other).Distinct().Count());
        Assert.Equal(990, labels.Count(l => l == LabelBound.Other));
    }

    [Fact]
    public void Job_labels_are_built_once_per_pair_and_pairs_past_the_limits_share_other()
    {
        var labels = new JobLabels(typeLimit: 1, tenantLimit: 1);

        var first = labels.Of("email", "acme");
        Assert.Same(first, labels.Of("email", "acme"));
        Assert.Equal([new("type", "email"), new("tenant", "acme")], first);
        var overflow = labels.Of("sms", "globex");
        Assert.Equal([new("type", LabelBound.Other), new("tenant", LabelBound.Other)], overflow);
        Assert.Same(overflow, labels.Of("push", "initech"));
    }
}
