using System.Buffers;
using System.Globalization;
using System.Text;

namespace Worcr.Redis.Tests;

/// <summary>Test helpers: replies as comparable text, and byte sequences split into segments.</summary>
internal static class RespText
{
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A canonical description of a reply, so nested replies compare with one Assert.Equal.</summary>
    public static string Describe(RedisValue value) => value switch
    {
        RedisNull => "null",
        RedisSimpleString s => $"+{s.Value}",
        RedisError e => $"-{e.Message}",
        RedisInteger i => $":{i.Value}",
        RedisBulkString b => $"${Encoding.UTF8.GetString(b.Value)}",
        RedisDouble d => $",{d.Value.ToString("R", CultureInfo.InvariantCulture)}",
        RedisBoolean b => b.Value ? "#t" : "#f",
        RedisBigNumber n => $"({n.Value}",
        RedisVerbatim v => $"={v.Format}:{v.Text}",
        RedisArray a => $"[{string.Join(",", a.Items.Select(Describe))}]",
        RedisSet s => $"~[{string.Join(",", s.Items.Select(Describe))}]",
        RedisPush p => $">[{string.Join(",", p.Items.Select(Describe))}]",
        RedisMap m => $"%{{{string.Join(",", m.Entries.Select(e => $"{Describe(e.Key)}={Describe(e.Value)}"))}}}",
        _ => throw new ArgumentException(value.GetType().Name),
    };

    /// <summary>The bytes as a sequence of segments cut at the given offsets.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, params int[] cuts)
    {
        var bounds = cuts.Prepend(0).Append(bytes.Length).ToArray();
        Segment? first = null, last = null;
        for (var i = 0; i + 1 < bounds.Length; i++)
        {
            var memory = bytes.AsMemory(bounds[i], bounds[i + 1] - bounds[i]);
            if (last is null) first = last = new Segment(memory, 0);
            else last = last.Append(memory);
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
