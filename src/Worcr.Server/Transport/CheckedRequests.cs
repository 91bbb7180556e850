using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Worcr.Server.Transport;

/// <summary>
/// Request marshallers that turn a message Google.Protobuf cannot parse into INVALID_ARGUMENT naming the problem.
/// Grpc.AspNetCore parses a unary or server-streaming request before any interceptor runs, and reports a parser
/// exception as UNKNOWN with an error in the log; a stream's messages are parsed inside MoveNext. The marshaller is
/// the one place every message of every method passes through, so the refusal is made there.
/// </summary>
internal static class CheckedRequests
{
    /// <summary>The method with a request marshaller that refuses unparsable messages cleanly; names and kinds stay.</summary>
    public static Method<TRequest, TResponse> Checked<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class where TResponse : class =>
        new(method.Type, method.ServiceName, method.Name, Checked(method.RequestMarshaller), method.ResponseMarshaller);

    private static Marshaller<T> Checked<T>(Marshaller<T> marshaller) where T : class
    {
        var parse = marshaller.ContextualDeserializer;
        return new Marshaller<T>(marshaller.ContextualSerializer, context =>
        {
            try
            {
                return parse(context);
            }
            catch (InvalidProtocolBufferException exception)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, Explain<T>(context, exception)));
            }
        });
    }

    private static string Explain<T>(DeserializationContext context, InvalidProtocolBufferException exception)
    {
        var descriptor = DescriptorOf<T>();
        var name = descriptor?.Name ?? typeof(T).Name;
        var field = descriptor is null ? null : InvalidUtf8Locator.Find(descriptor, context.PayloadAsReadOnlySequence());
        return field is not null
            ? $"{name}.{field} is not valid UTF-8: protobuf string fields carry UTF-8 text only."
            : $"The {name} message is not valid protobuf: {exception.Message}";
    }

    private static MessageDescriptor? DescriptorOf<T>() => ProtocolMessages.DescriptorOf(typeof(T));
}
