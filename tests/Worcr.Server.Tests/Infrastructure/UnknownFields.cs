using Google.Protobuf;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Messages carrying a field the node does not know, as a newer or hostile worker may send: Google.Protobuf keeps such
/// a field in the parsed message, so a test can see whether the node holds on to what it received.
/// </summary>
internal static class UnknownFields
{
    /// <summary>A copy of <paramref name="message"/> with field 1000 (no field of it) added, holding <paramref name="bytes"/> bytes.</summary>
    public static T With<T>(T message, int bytes) where T : IMessage<T>, new()
    {
        using var stream = new MemoryStream();
        message.WriteTo(stream);
        var output = new CodedOutputStream(stream);
        output.WriteTag(1000, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(new byte[bytes]));
        output.Flush();
        return new MessageParser<T>(() => new T()).ParseFrom(stream.ToArray());
    }
}
