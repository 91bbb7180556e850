using Worcr.Core.Input;

namespace Worcr.Core.Tests.Input;

public sealed class FieldNameTests
{
    [Fact]
    public void A_member_is_named_after_its_parent()
    {
        Assert.Equal("jobs[3].tenant", new FieldName("jobs[3]", "tenant").ToString());
        Assert.Equal("jobs[3].tenant: the tenant is required.", $"{new FieldName("jobs[3]", "tenant")}: the tenant is required.");
    }

    [Fact]
    public void A_plain_name_stays_as_it_is()
    {
        FieldName name = "limit_key";

        Assert.Equal("limit_key", name.ToString());
    }
}
