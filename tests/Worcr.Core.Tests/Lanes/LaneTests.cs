using Worcr.Core.Lanes;

namespace Worcr.Core.Tests.Lanes;

public sealed class LaneTests
{
    [Fact]
    public void NormaliseTags_sorts_tags_ordinally()
    {
        Assert.Equal(["B", "a", "b"], Lane.NormaliseTags(["b", "a", "B"]));
    }

    [Fact]
    public void NormaliseTags_trims_whitespace_around_each_tag()
    {
        Assert.Equal(["eu", "premium"], Lane.NormaliseTags(["  premium ", "\teu"]));
    }

    [Fact]
    public void NormaliseTags_removes_duplicates_including_ones_that_differ_only_by_whitespace()
    {
        Assert.Equal(["eu", "premium"], Lane.NormaliseTags(["premium", "eu", "premium ", "eu"]));
    }

    [Fact]
    public void NormaliseTags_drops_empty_and_blank_tags()
    {
        Assert.Equal(["eu"], Lane.NormaliseTags(["", "  ", "eu"]));
    }

    [Fact]
    public void NormaliseTags_of_no_tags_is_empty()
    {
        Assert.Empty(Lane.NormaliseTags([]));
    }

    [Fact]
    public void NormaliseTags_of_sorted_tags_still_removes_duplicates_and_trims()
    {
        Assert.Equal(["a", "b"], Lane.NormaliseTags(["a", "a", "b"]));
        Assert.Equal(["a", "b"], Lane.NormaliseTags(["a ", "b"]));
        Assert.Equal(["a", "b"], Lane.NormaliseTags(["a", "\tb"]));
        Assert.Equal(["a"], Lane.NormaliseTags(["", "a"]));
    }

    [Fact]
    public void NormaliseTags_of_tags_already_in_shape_is_an_equal_copy()
    {
        string[] tags = ["B", "a", "eu"];

        var normalised = Lane.NormaliseTags(tags);

        Assert.Equal(tags, normalised);
        Assert.NotSame(tags, normalised);
    }

    [Fact]
    public void NormaliseTags_keeps_case_differences_apart()
    {
        Assert.Equal(2, Lane.NormaliseTags(["EU", "eu"]).Length);
    }
}
