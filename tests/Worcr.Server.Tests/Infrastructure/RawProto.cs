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
    public static async Task<StatusCode> CallAsync(Uri node, string path, byte[] body, Metadata? headers = null)
    {
        using var channel = GrpcChannel.ForAddress(node);
        var slash = path.LastIndexOf('/');
        var method = new Method<byte[], byte[]>(MethodType.Unary, path[1..slash], path[(slash + 1)..], Bytes, Bytes);
        try
        {
            await channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(headers), body);
            return StatusCode.OK;
        }
        catch (RpcException exception)
        {
            return exception.StatusCode;
        }
    }
}
