using System.IO.Pipelines;

namespace Worcr.Redis.Internal;

/// <summary>Reads whole replies from a pipe; a reply split across reads stays in the pipe until its last byte arrives.</summary>
internal static class RespReader
{
    /// <summary>Reads replies until the input ends; always ends with an exception.</summary>
    public static async Task ReadRepliesAsync(PipeReader input, Action<RedisValue> onReply, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            while (RespParser.TryParse(buffer, out var reply, out var end))
            {
                buffer = buffer.Slice(end);
                onReply(reply);
            }
            // Keep the unparsed tail (consumed = its start) but mark all of it examined, so the next read waits
            // for new bytes and the buffer grows as large as the pending reply needs.
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) throw new RedisConnectionException("Redis closed the connection.");
        }
    }

    public static async Task<RedisValue> ReadOneAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            if (RespParser.TryParse(result.Buffer, out var reply, out var end))
            {
                input.AdvanceTo(end);
                return reply;
            }
            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (result.IsCompleted) throw new RedisConnectionException("Redis closed the connection.");
        }
    }
}
