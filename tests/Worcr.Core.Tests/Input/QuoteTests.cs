using Worcr.Core.Input;

namespace Worcr.Core.Tests.Input;

public sealed class QuoteTests
{
    [Fact]
    public void A_value_from_a_request_is_cut_at_40_characters_and_says_how_long_it_was()
    {
        Assert.Equal($"'{new string('x', 40)}'… (2000 characters)", TextCheck.Quote(new string('x', 2000)));
        Assert.Equal("'a\\u0000b'", TextCheck.Quote("a\0b"));
    }

    [Fact]
    public void Two_names_within_their_bound_that_differ_only_at_their_end_stay_apart()
    {
        // Default worker ids are "host:pid:n"; a long pod name leaves the part that tells two apart at the end.
        var host = "payments-worker-7d9f8b6c5d-x2kqz.cluster.local.example";
        Assert.Equal($"'{host}:4242:1'", TextCheck.QuoteName($"{host}:4242:1"));
        Assert.NotEqual(TextCheck.QuoteName($"{host}:4242:1"), TextCheck.QuoteName($"{host}:4242:2"));
    }

    [Fact]
    public void A_name_longer_than_its_bound_names_nothing_stored_and_is_cut_at_40()
    {
        Assert.Equal($"'{new string('n', 40)}'… (201 characters)", TextCheck.QuoteName(new string('n', 201)));
        Assert.Equal($"'{new string('k', 40)}'… (501 characters)", TextCheck.QuoteName(new string('k', 501), bound: 500));
    }
}
