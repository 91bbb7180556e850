using Worcr.Scripting;
using Worcr.Server.Limits;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Limits;

/// <summary>Limit definitions as data: parsing, matching keys, and the shipped example file.</summary>
public sealed class LimitDefinitionTests
{
    private static JobFacts Job(string argsJson = "{}", params string[] tags) => new("email", "acme", tags, argsJson, 0, DateTimeOffset.UnixEpoch);

    [Fact]
    public void The_shipped_limits_json_loads()
    {
        var limits = LimitFile.Load(Path.Combine(RepositoryPaths.Root, "rules"));

        Assert.Equal(["per-host", "per-tenant-imports", "payments-api"], limits.Select(l => l.Name));
    }

    [Theory]
    [InlineData("100ms", 100)]
    [InlineData("1s", 1000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    public void Periods_are_a_number_and_a_unit(string text, long milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), LimitPeriod.Parse(text));
        Assert.Equal(text, LimitPeriod.Format(LimitPeriod.Parse(text)!.Value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("0s")]
    [InlineData("-1s")]
    [InlineData("1.5s")]
    public void Periods_without_a_unit_or_not_positive_are_refused(string text) => Assert.Null(LimitPeriod.Parse(text));

    [Fact]
    public void An_args_match_makes_field_colon_value_keys_and_covers_them()
    {
        var match = new LimitMatch("args", "host", null);

        Assert.Equal("host:example.com", match.KeyFor(Job("""{"host": "example.com"}""")));
        Assert.Null(match.KeyFor(Job("""{"url": "x"}""")));
        Assert.True(match.Covers("host:other.org"));
        Assert.False(match.Covers("tenant:acme"));
    }

    [Fact]
    public void A_key_pattern_covers_keys_with_its_prefix_and_makes_none_itself()
    {
        var match = new LimitMatch("key", null, "host:*");

        Assert.Null(match.KeyFor(Job()));
        Assert.True(match.Covers("host:a.example"));
        Assert.False(match.Covers("hostile"));
    }

    [Fact]
    public void A_tag_match_makes_a_key_only_for_jobs_with_that_tag()
    {
        var match = new LimitMatch("tag", null, "bulk");

        Assert.Equal("tag:bulk", match.KeyFor(Job("{}", "bulk")));
        Assert.Null(match.KeyFor(Job("{}", "urgent")));
    }

    [Fact]
    public void A_rate_limit_is_found_by_its_name_before_any_pattern()
    {
        var named = Definition("payments-api", new LimitMatch("key", null, "*"));
        var pattern = Definition("everything", new LimitMatch("key", null, "*"));
        var set = new LimitSet([pattern, named]);

        Assert.Equal("payments-api", set.RateLimitFor("payments-api")!.Name);
        Assert.Equal("everything", set.RateLimitFor("other")!.Name);
    }

    private static LimitDefinition Definition(string name, LimitMatch match) =>
        new(name, Redis.Limits.LimitKind.FixedWindow, match, 5, TimeSpan.FromSeconds(1), 0, LimitMode.Rate, true, "api");
}
