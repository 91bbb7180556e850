using Worcr.Grpc.Internal;

namespace Worcr.Grpc.Tests.Unit;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("2H", 2 * TimeSpan.TicksPerHour)]
    [InlineData("3M", 3 * TimeSpan.TicksPerMinute)]
    [InlineData("4S", 4 * TimeSpan.TicksPerSecond)]
    [InlineData("250m", 250 * TimeSpan.TicksPerMillisecond)]
    [InlineData("70u", 70 * TimeSpan.TicksPerMicrosecond)]
    [InlineData("1000n", 10)]
    [InlineData("1n", 1)]
    [InlineData("99999999S", 99_999_999 * TimeSpan.TicksPerSecond)]
    [InlineData("0m", 0)]
    public void Every_unit_parses_to_its_duration(string header, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("10x")]
    [InlineData("-1S")]
    [InlineData("+1S")]
    [InlineData("1.5S")]
    [InlineData(" 1S")]
    [InlineData("123456789S")]
    public void Malformed_timeouts_are_rejected(string header)
    {
        Assert.False(GrpcTimeout.TryParse(header, out _));
    }

    [Theory]
    [InlineData(1, "1u")]
    [InlineData(TimeSpan.TicksPerMillisecond * 1500, "1500000u")]
    [InlineData(TimeSpan.TicksPerSecond * 200, "200000m")]
    [InlineData(TimeSpan.TicksPerDay * 400, "34560000S")]
    [InlineData(TimeSpan.TicksPerDay * 365 * 1000, "8760000H")]
    public void Formatting_picks_the_finest_unit_that_fits_in_eight_digits(long ticks, string expected)
    {
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));
    }

    [Fact]
    public void Formatting_rounds_up_so_the_server_never_sees_an_earlier_deadline()
    {
        var formatted = GrpcTimeout.Format(TimeSpan.FromTicks(TimeSpan.TicksPerMicrosecond + 1));

        Assert.Equal("2u", formatted);
    }

    [Fact]
    public void A_passed_deadline_formats_as_zero()
    {
        Assert.Equal("0u", GrpcTimeout.Format(TimeSpan.FromSeconds(-3)));
    }

    [Fact]
    public void Formatted_timeouts_parse_back_to_at_least_the_original()
    {
        var original = TimeSpan.FromMilliseconds(123_456.789);

        Assert.True(GrpcTimeout.TryParse(GrpcTimeout.Format(original), out var parsed));
        Assert.True(parsed >= original && parsed - original < TimeSpan.FromMilliseconds(1));
    }
}
