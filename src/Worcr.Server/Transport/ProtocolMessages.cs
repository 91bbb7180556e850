using Google.Protobuf.Reflection;
using Worcr.Protocol.V1;

namespace Worcr.Server.Transport;

/// <summary>The descriptor of each message of Worcr's protocol by CLR type, read from the generated file descriptors (no reflection over types).</summary>
internal static class ProtocolMessages
{
    private static readonly Dictionary<Type, MessageDescriptor> ByType = Index(
        CommonReflection.Descriptor, EventsReflection.Descriptor, JobsReflection.Descriptor, WorkersReflection.Descriptor);

    public static MessageDescriptor? DescriptorOf(Type type) => ByType.GetValueOrDefault(type);

    private static Dictionary<Type, MessageDescriptor> Index(params FileDescriptor[] files)
    {
        var byType = new Dictionary<Type, MessageDescriptor>();
        foreach (var file in files) Add(byType, file.MessageTypes);
        return byType;
    }

    private static void Add(Dictionary<Type, MessageDescriptor> byType, IEnumerable<MessageDescriptor> messages)
    {
        foreach (var message in messages)
        {
            if (message.ClrType is { } type) byType[type] = message;
            Add(byType, message.NestedTypes);
        }
    }
}
