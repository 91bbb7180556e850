using Microsoft.AspNetCore.Http;
using Worcr.Grpc.Internal;

namespace Worcr.Grpc.Server.Internal;

internal static class RequestMetadata
{
    /// <summary>The caller's custom metadata; protocol headers and headers that are not valid metadata are left out.</summary>
    public static Metadata From(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in headers)
        {
            if (GrpcProtocol.IsReservedHeader(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                TryAdd(metadata, name, value ?? "");
            }
        }

        return metadata;
    }

    private static void TryAdd(Metadata metadata, string name, string value)
    {
        try
        {
            metadata.Add(name, value);
        }
        catch (ArgumentException)
        {
            // Not valid gRPC metadata (e.g. non-ASCII in a text header): ignored rather than failing the call.
        }
    }
}
