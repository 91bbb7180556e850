using Worcr.Core.Lanes;
using Worcr.Redis.Limits;
using Worcr.Server.Limits;

namespace Worcr.Server.Tests.Limits;

/// <summary>The limit keys a lane is held by now (<see cref="LimitSet.KeysOf(Lane)"/>): stored ones, and those its tenant, type and tags make.</summary>
public sealed class LaneLimitKeysTests
{
    private static LimitDefinition Limit(string by, string? value, LimitMode mode = LimitMode.Job, bool enabled = true, string? field = null) =>
        new($"{by}-{value}-{mode}", LimitKind.Concurrency, new LimitMatch(by, field, value), 2, TimeSpan.Zero, 0, mode, enabled, "api");

    private static readonly Lane Acme = new(1, "acme", "email", ["bulk", "eu"], 1) { LimitKeys = ["host:api.example.com"] };

    [Fact]
    public void Tenant_type_and_tag_job_limits_add_their_keys_to_the_stored_ones_sorted()
    {
        var set = new LimitSet([Limit("tenant", null), Limit("type", "email"), Limit("tag", "bulk")]);

        Assert.Equal(["host:api.example.com", "tag:bulk", "tenant:acme", "type:email"], set.KeysOf(Acme));
    }

    [Fact]
    public void Limits_that_do_not_match_the_lane_or_cannot_be_read_from_it_add_nothing()
    {
        var set = new LimitSet(
        [
            Limit("tenant", "globex"), Limit("type", "sms"), Limit("tag", "us"), Limit("args", null, field: "host"), Limit("key", "host:*"),
            Limit("tenant", null, mode: LimitMode.Rate), Limit("type", null, enabled: false),
        ]);

        Assert.Same(Acme.LimitKeys, set.KeysOf(Acme));
    }

    [Fact]
    public void A_lanes_keys_are_made_once_per_set()
    {
        var set = new LimitSet([Limit("tenant", null)]);

        Assert.Same(set.KeysOf(Acme), set.KeysOf(Acme));
    }

    [Fact]
    public void A_key_stored_and_made_again_appears_once()
    {
        var lane = Acme with { LimitKeys = ["tenant:acme"] };

        Assert.Equal(["tenant:acme"], new LimitSet([Limit("tenant", "acme")]).KeysOf(lane));
    }
}
