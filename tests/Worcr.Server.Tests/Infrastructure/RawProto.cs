using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Protobuf messages written field by field and sent as they are, so a test can put bytes in a string field that
/// no well-behaved client would (invalid UTF-8, overlong forms, encoded surrogates).
/// </summary>
internal static class RawProto
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    /// <summary>A message of length-delimited fields (strings, bytes and sub-messages share that wire type).</summary>
    public static byte[] Message(params (int Field, byte[] Value)[] fields)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        foreach (var (field, value) in fields)
        {
            output.WriteTag(field, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(value));
        }
        output.Flush();
        return buffer.ToArray();
    }

    /// <summary>A unary call of <paramref name="path"/> ("/package.Service/Method") with this body; returns the status.</summary>
    public static async Task<Status> CallAsync(Uri node, string path, byte[] body, Metadata? headers = null)
    {
        using var channel = GrpcChannel.ForAddress(node);
        try
        {
            await channel.CreateCallInvoker().AsyncUnaryCall(Method(MethodType.Unary, path), null, new CallOptions(headers), body);
            return Status.DefaultSuccess;
        }
        catch (RpcException exception)
        {
            return exception.Status;
        }
    }

    /// <summary>A server-streaming call with this body, read to its end; returns the status it ended with.</summary>
    public static async Task<Status> ReadStreamAsync(Uri node, string path, byte[] body)
    {
        using var channel = GrpcChannel.ForAddress(node);
        try
        {
            using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(Method(MethodType.ServerStreaming, path), null, new CallOptions(), body);
            while (await call.ResponseStream.MoveNext(CancellationToken.None)) { }
            return Status.DefaultSuccess;
        }
        catch (RpcException exception)
        {
            return exception.Status;
        }
    }

    /// <summary>A bidi call whose messages are sent and received as raw bytes.</summary>
    public static AsyncDuplexStreamingCall<byte[], byte[]> Duplex(GrpcChannel channel, string path) =>
        channel.CreateCallInvoker().AsyncDuplexStreamingCall(Method(MethodType.DuplexStreaming, path), null, new CallOptions());

    private static Method<byte[], byte[]> Method(MethodType type, string path)
    {
        var slash = path.LastIndexOf('/');
        return new Method<byte[], byte[]>(type, path[1..slash], path[(slash + 1)..], Bytes, Bytes);
    }
}
