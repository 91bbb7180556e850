using System.Buffers;
using System.IO.Pipelines;
using Worcr.Redis.Internal;
using static Worcr.Redis.Tests.RespText;

namespace Worcr.Redis.Tests;

public sealed class RespParserTests
{
    private const string NestedReply =
        "*4\r\n$5\r\nhel\r\n\r\n*3\r\n:42\r\n$-1\r\n%1\r\n+k\r\n~2\r\n#t\r\n,1.5\r\n_\r\n>2\r\n$7\r\nmessage\r\n(12345678901234567890\r\n";
    private const string NestedDescription = "[$hel\r\n,[:42,null,%{+k=~[#t,,1.5]}],null,>[$message,(12345678901234567890]]";

    [Fact]
    public void Nested_reply_split_at_every_byte_position_parses_only_when_complete()
    {
        var bytes = Bytes(NestedReply);
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            var partial = new ReadOnlySequence<byte>(bytes, 0, cut);
            Assert.False(RespParser.TryParse(partial, out _, out var notConsumed), $"parsed with only {cut} bytes");
            Assert.Equal(partial.Start, notConsumed);

            var whole = Segmented(bytes, cut);
            Assert.True(RespParser.TryParse(whole, out var value, out var end), $"failed with a segment cut at {cut}");
            Assert.Equal(NestedDescription, Describe(value));
            Assert.Equal(whole.End, end);
        }
    }

    [Fact]
    public async Task Reader_fed_one_byte_at_a_time_delivers_each_reply_once_and_whole()
    {
        var pipe = new Pipe();
        var replies = new List<string>();
        var reading = RespReader.ReadRepliesAsync(pipe.Reader, reply => replies.Add(Describe(reply)), CancellationToken.None);
        foreach (var b in Bytes(NestedReply + "+OK\r\n" + NestedReply))
        {
            await pipe.Writer.WriteAsync(new[] { b });
        }
        await pipe.Writer.CompleteAsync();

        await Assert.ThrowsAsync<RedisConnectionException>(() => reading);
        Assert.Equal([NestedDescription, "+OK", NestedDescription], replies);
    }

    [Fact]
    public void Bulk_string_containing_CRLF_is_read_by_its_declared_length()
    {
        var bytes = Bytes("$11\r\na\r\n$3\r\nb\r\n:\r\n+OK\r\n");

        Assert.True(RespParser.TryParse(new ReadOnlySequence<byte>(bytes), out var value, out var end));

        Assert.Equal("a\r\n$3\r\nb\r\n:", value.AsString());
        Assert.Equal(bytes.Length - "+OK\r\n".Length, new ReadOnlySequence<byte>(bytes).Slice(0, end).Length);
    }

    [Fact]
    public async Task Bulk_string_larger_than_64_KiB_arrives_in_pieces_and_parses_whole()
    {
        var payload = new string('x', 200_000) + "\r\n" + new string('y', 1000);
        var pipe = new Pipe();
        var replies = new List<RedisValue>();
        var reading = RespReader.ReadRepliesAsync(pipe.Reader, replies.Add, CancellationToken.None);
        var bytes = Bytes($"${Bytes(payload).Length}\r\n{payload}\r\n");
        foreach (var chunk in bytes.Chunk(4000)) await pipe.Writer.WriteAsync(chunk);
        await pipe.Writer.CompleteAsync();

        await Assert.ThrowsAsync<RedisConnectionException>(() => reading);
        Assert.Equal(payload, Assert.Single(replies).AsString());
    }

    [Theory]
    [InlineData("$-1\r\n")]
    [InlineData("*-1\r\n")]
    [InlineData("_\r\n")]
    public void Every_null_form_parses_as_null(string reply)
    {
        var value = Parse(reply);

        Assert.True(value.IsNull);
        Assert.Null(value.AsString());
        Assert.Empty(value.AsArray());
    }

    [Fact]
    public void Empty_bulk_string_is_not_null()
    {
        var value = Parse("$0\r\n\r\n");

        Assert.False(value.IsNull);
        Assert.Equal("", value.AsString());
    }

    [Theory]
    [InlineData("-ERR unknown command\r\n", "ERR unknown command")]
    [InlineData("!21\r\nSYNTAX invalid syntax\r\n", "SYNTAX invalid syntax")]
    public void Error_replies_parse_as_errors(string reply, string message)
    {
        Assert.Equal(message, Assert.IsType<RedisError>(Parse(reply)).Message);
    }

    [Fact]
    public void Map_keeps_its_entries_in_order_and_flattens_as_an_array()
    {
        var map = Assert.IsType<RedisMap>(Parse("%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n:2\r\n"));

        Assert.Equal("%{+first=:1,$second=:2}", Describe(map));
        Assert.Equal(["first", "1", "second", "2"], map.AsArray().Select(v => v.AsString()));
    }

    [Fact]
    public void Set_and_push_parse_with_their_kinds()
    {
        Assert.Equal("~[:1,+a]", Describe(Assert.IsType<RedisSet>(Parse("~2\r\n:1\r\n+a\r\n"))));
        Assert.Equal(">[$message,$ch,$hi]", Describe(Assert.IsType<RedisPush>(Parse(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"))));
    }

    [Theory]
    [InlineData(",3.25\r\n", 3.25)]
    [InlineData(",-1e10\r\n", -1e10)]
    [InlineData(",inf\r\n", double.PositiveInfinity)]
    [InlineData(",-inf\r\n", double.NegativeInfinity)]
    [InlineData(",nan\r\n", double.NaN)]
    public void Doubles_parse_including_infinities_and_nan(string reply, double expected)
    {
        Assert.Equal(expected, Assert.IsType<RedisDouble>(Parse(reply)).Value);
    }

    [Fact]
    public void Booleans_big_numbers_and_verbatim_strings_parse()
    {
        Assert.True(Assert.IsType<RedisBoolean>(Parse("#t\r\n")).Value);
        Assert.False(Assert.IsType<RedisBoolean>(Parse("#f\r\n")).Value);
        Assert.Equal("-3492890328409238509324850943850943825024385", Parse("(-3492890328409238509324850943850943825024385\r\n").AsString());
        var verbatim = Assert.IsType<RedisVerbatim>(Parse("=15\r\ntxt:Some string\r\n"));
        Assert.Equal(("txt", "Some string"), (verbatim.Format, verbatim.Text));
    }

    [Fact]
    public void Attribute_in_front_of_a_reply_is_skipped()
    {
        Assert.Equal(":7", Describe(Parse("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n:7\r\n")));
    }

    [Fact]
    public void Parse_stops_after_the_first_reply()
    {
        var bytes = new ReadOnlySequence<byte>(Bytes(":1\r\n:2\r\n"));

        Assert.True(RespParser.TryParse(bytes, out var first, out var end));

        Assert.Equal(1, first.AsInt64());
        Assert.Equal(":2\r\n", System.Text.Encoding.ASCII.GetString(bytes.Slice(end).ToArray()));
    }

    [Theory]
    [InlineData("?what\r\n")]
    [InlineData(":12x\r\n")]
    [InlineData("$3\r\nabcXY")]
    [InlineData("#x\r\n")]
    public void Malformed_replies_are_protocol_errors(string reply)
    {
        Assert.Throws<RedisConnectionException>(() => Parse(reply));
    }

    private static RedisValue Parse(string reply)
    {
        Assert.True(RespParser.TryParse(new ReadOnlySequence<byte>(Bytes(reply)), out var value, out _), "incomplete");
        return value;
    }
}
