namespace Worcr.Grpc.Tests.Unit;

public sealed class MetadataTests
{
    [Fact]
    public void Keys_are_case_insensitive_and_stored_lower_case()
    {
        var metadata = new Metadata { { "X-Tenant", "acme" } };

        Assert.Equal("acme", metadata.Get("x-tenant"));
        Assert.Equal("x-tenant", metadata.Single().Key);
    }

    [Fact]
    public void Get_returns_the_last_value_added_for_a_key()
    {
        var metadata = new Metadata { { "x-a", "1" }, { "x-a", "2" } };

        Assert.Equal("2", metadata.Get("x-a"));
        Assert.Equal(2, metadata.Count);
    }

    [Fact]
    public void Binary_keys_carry_base64_and_decode_even_without_padding()
    {
        var metadata = new Metadata();
        metadata.AddBytes("x-trace-bin", [1, 2, 3, 4]);
        metadata.Add("x-unpadded-bin", "AQID");
        metadata.Add("x-short-bin", "AQ");

        Assert.Equal("AQIDBA==", metadata.Get("x-trace-bin"));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, metadata.GetBytes("x-trace-bin"));
        Assert.Equal(new byte[] { 1, 2, 3 }, metadata.GetBytes("x-unpadded-bin"));
        Assert.Equal(new byte[] { 1 }, metadata.GetBytes("x-short-bin"));
    }

    [Theory]
    [InlineData("bad key")]
    [InlineData("x:colon")]
    [InlineData("")]
    public void Invalid_keys_are_refused(string key)
    {
        Assert.ThrowsAny<ArgumentException>(() => new Metadata().Add(key, "v"));
    }

    [Fact]
    public void Text_values_must_be_printable_ascii()
    {
        var error = Assert.Throws<ArgumentException>(() => new Metadata().Add("x-note", "line\nbreak"));

        Assert.Contains("-bin", error.Message);
    }

    [Fact]
    public void Bytes_need_a_bin_key()
    {
        Assert.Throws<ArgumentException>(() => new Metadata().AddBytes("x-note", [1]));
    }
}
