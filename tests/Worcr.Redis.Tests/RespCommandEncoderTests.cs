using System.Text;
using Worcr.Redis.Internal;

namespace Worcr.Redis.Tests;

public sealed class RespCommandEncoderTests
{
    [Fact]
    public void Every_supported_argument_type_is_encoded_as_a_bulk_string()
    {
        var bytes = RespCommandEncoder.Encode("SET", ["k€", 12L, 7, 1.5, new byte[] { 0, 13, 10 }, new ReadOnlyMemory<byte>([65])]);

        Assert.Equal("*7\r\n$3\r\nSET\r\n$4\r\nk€\r\n$2\r\n12\r\n$1\r\n7\r\n$3\r\n1.5\r\n$3\r\n\0\r\n\r\n$1\r\nA\r\n",
            Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Infinite_doubles_use_the_spelling_Redis_understands()
    {
        Assert.Contains("+inf", Encoding.ASCII.GetString(RespCommandEncoder.Encode("ZADD", ["k", double.PositiveInfinity, "m"])));
    }

    [Fact]
    public void Unsupported_argument_type_is_rejected_with_its_position()
    {
        var error = Assert.Throws<ArgumentException>(() => RespCommandEncoder.Encode("SET", ["k", DateTime.UtcNow]));

        Assert.Contains("args[1]", error.Message);
    }
}
