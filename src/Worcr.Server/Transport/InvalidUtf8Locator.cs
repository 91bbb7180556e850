using System.Buffers;
using System.Text.Unicode;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Worcr.Server.Transport;

/// <summary>
/// Walks a serialized message by its descriptor to find the first string field whose bytes are not UTF-8, so a
/// refusal can name the field ("job.args_json"). Runs only after parsing already failed, never on good requests.
/// </summary>
internal static class InvalidUtf8Locator
{
    /// <summary>Deeper nesting than any Worcr message has; protects the walk from a hostile chain of sub-messages.</summary>
    private const int MaxDepth = 16;

    /// <summary>The dotted path of the first string field that is not UTF-8, or null if none is (or the bytes are not protobuf).</summary>
    public static string? Find(MessageDescriptor descriptor, ReadOnlySequence<byte> payload)
    {
        try
        {
            return Find(descriptor, new CodedInputStream(payload.ToArray()), 0);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static string? Find(MessageDescriptor descriptor, CodedInputStream input, int depth)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
            {
                input.SkipLastField();
                continue;
            }
            var field = descriptor.FindFieldByNumber(WireFormat.GetTagFieldNumber(tag));
            var bytes = input.ReadBytes();
            if (field?.FieldType == FieldType.String && !Utf8.IsValid(bytes.Span)) return field.Name;
            if (field?.FieldType == FieldType.Message && depth < MaxDepth &&
                Find(field.MessageType, new CodedInputStream(bytes.ToByteArray()), depth + 1) is { } inner)
            {
                return $"{field.Name}.{inner}";
            }
        }
        return null;
    }
}
