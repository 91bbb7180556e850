using Worcr.Core.Dispatch;

namespace Worcr.Core.Tests.Dispatch;

public sealed class WorkerProfileTests
{
    private static WorkerProfile Profile(string id, string[] tags, string[] types) =>
        new(id, tags, types.ToHashSet(StringComparer.Ordinal));

    [Fact]
    public void Equal_tags_and_types_give_equal_signatures_whatever_the_order()
    {
        var first = Profile("w1", ["eu", "premium"], ["email", "sms"]);
        var second = Profile("w2", ["premium", "eu"], ["sms", "email"]);

        Assert.Equal(first.Signature, second.Signature);
    }

    [Fact]
    public void The_worker_id_is_not_part_of_the_signature()
    {
        Assert.Equal(Profile("w1", ["eu"], ["email"]).Signature, Profile("w2", ["eu"], ["email"]).Signature);
    }

    [Fact]
    public void Different_tags_give_different_signatures()
    {
        Assert.NotEqual(Profile("w", ["eu"], ["email"]).Signature, Profile("w", ["us"], ["email"]).Signature);
    }

    [Fact]
    public void Different_job_types_give_different_signatures()
    {
        Assert.NotEqual(Profile("w", ["eu"], ["email"]).Signature, Profile("w", ["eu"], ["sms"]).Signature);
    }

    [Fact]
    public void A_tag_cannot_pass_for_a_job_type()
    {
        // Tags and types are kept in separate parts of the signature.
        Assert.NotEqual(Profile("w", ["email"], ["sms"]).Signature, Profile("w", [], ["email", "sms"]).Signature);
    }
}
