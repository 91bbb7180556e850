using Worcr.Grpc.Internal;

namespace Worcr.Grpc.Tests.Unit;

public sealed class GrpcStatusMessageTests
{
    [Fact]
    public void Plain_ascii_is_sent_unchanged()
    {
        Assert.Equal("job 42 not found", GrpcStatusMessage.Encode("job 42 not found"));
    }

    [Fact]
    public void Percent_control_and_non_ascii_characters_are_percent_encoded_as_utf8()
    {
        Assert.Equal("100%25 d%C3%A9j%C3%A0%0Avu", GrpcStatusMessage.Encode("100% déjà\nvu"));
    }

    [Theory]
    [InlineData("100% déjà\nvu")]
    [InlineData("emoji 🚀 and tab\t")]
    [InlineData("")]
    public void Decoding_restores_the_encoded_text(string text)
    {
        Assert.Equal(text, GrpcStatusMessage.Decode(GrpcStatusMessage.Encode(text)));
    }

    [Theory]
    [InlineData("50%zz off", "50%zz off")]
    [InlineData("trailing %", "trailing %")]
    [InlineData("half %4", "half %4")]
    public void Malformed_escapes_are_kept_as_they_are(string encoded, string expected)
    {
        Assert.Equal(expected, GrpcStatusMessage.Decode(encoded));
    }
}
