using Google.Protobuf;
using Worcr.Protocol.V1;

namespace Worcr.Server.Enqueue;

/// <summary>
/// The newest log lines of a Get answer that fit beside the job in the node's message limit. A job keeps up to
/// MaxLogLinesPerJob lines of up to 8,192 characters each (8 MiB at the defaults), so its lines alone can outgrow
/// MaxMessageSize; the node would then refuse to send the answer and the caller got RESOURCE_EXHAUSTED instead of
/// the job. The lines are kept oldest first, as Get returns them; the ones left out are the oldest.
/// </summary>
internal static class LogTailFit
{
    /// <summary>Room kept for GetJobResponse.log_lines_omitted (a tag and a varint of at most 5 bytes).</summary>
    private const int OmittedFieldRoom = 6;

    /// <summary>Lines (oldest first) to answer with, and how many of the oldest were left out.</summary>
    public static (IReadOnlyList<LogLine> Lines, int Omitted) Fit(IReadOnlyList<LogLine> lines, int bytesBesideTheJob)
    {
        var room = (long)bytesBesideTheJob - OmittedFieldRoom;
        var first = lines.Count;
        while (first > 0)
        {
            var size = EncodedSize(lines[first - 1]);
            if (size > room) break;
            room -= size;
            first--;
        }
        return first == 0 ? (lines, 0) : (lines.Skip(first).ToList(), first);
    }

    /// <summary>Bytes one line adds to GetJobResponse: the tag of field 2, the length, the line.</summary>
    private static int EncodedSize(LogLine line) =>
        CodedOutputStream.ComputeTagSize(GetJobResponse.LogsFieldNumber) + CodedOutputStream.ComputeMessageSize(line);
}
